# Secrets reach functions only from Secret Manager, as `secret_environment_variables`, and only the
# functions that declare them in function-permissions.json (iam.tf) may read them.

locals {
  # Secret name in the declaration => the variable the function reads, the secret, the version.
  secrets = merge(
    {
      "page-token-key" = {
        env     = "AGENTLINE_PAGE_TOKEN_SECRET"
        secret  = google_secret_manager_secret.page_token_key.secret_id
        version = google_secret_manager_secret_version.page_token_key.version
      }
    },
    # Created by the operator (README.md, "Deploying"); absent when the model is reached through Vertex AI.
    local.use_vertex ? {} : {
      "gemini-api-key" = { env = "GEMINI_API_KEY", secret = var.gemini_api_key_secret_id, version = "latest" }
    },
  )
}

# The key of the agents API's list page tokens, shared by every API instance so a token from one is
# accepted by the next. Its value is generated at apply and written write-only: it is in neither the
# plan nor the state. Raising page_token_key_version writes a new key (outstanding page tokens then
# stop being accepted, and the agents API redeploys with it).
resource "google_secret_manager_secret" "page_token_key" {
  secret_id = "agentline-page-token-key"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

ephemeral "random_password" "page_token_key" {
  length  = 48
  special = false
}

resource "google_secret_manager_secret_version" "page_token_key" {
  secret                 = google_secret_manager_secret.page_token_key.id
  secret_data_wo         = ephemeral.random_password.page_token_key.result
  secret_data_wo_version = var.page_token_key_version

  # A new key version exists before the old one goes, so an API instance starting in between
  # still reads a key.
  lifecycle {
    create_before_destroy = true
  }
}
