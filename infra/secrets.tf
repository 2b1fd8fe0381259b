# Secrets reach functions only from Secret Manager, as `secret_environment_variables`, and only the
# functions that declare them in function-permissions.json (iam.tf) may read them.

locals {
  # Keys agentline generates itself, by their name in the declaration. Raising a version writes a
  # new key:
  # - page-token-key: the agents API's list page tokens, shared by every API instance so a token
  #   from one is accepted by the next (outstanding page tokens stop being accepted);
  # - callback-signing-key: the master key every user's result-callback secret is derived from,
  #   read only by the callback function (docs/architecture.md, "Result callbacks"; every user's
  #   callback secret changes).
  generated_keys = {
    "page-token-key"       = { secret_id = "agentline-page-token-key", version = var.page_token_key_version }
    "callback-signing-key" = { secret_id = "agentline-callback-signing-key", version = var.callback_signing_key_version }
  }

  # Secret name in the declaration => the variable the function reads, the secret, the version.
  secrets = merge(
    {
      "page-token-key" = {
        env     = "AGENTLINE_PAGE_TOKEN_SECRET"
        secret  = google_secret_manager_secret.generated["page-token-key"].secret_id
        version = google_secret_manager_secret_version.generated["page-token-key"].version
      }
      "callback-signing-key" = {
        env     = "AGENTLINE_CALLBACK_SIGNING_KEY"
        secret  = google_secret_manager_secret.generated["callback-signing-key"].secret_id
        version = google_secret_manager_secret_version.generated["callback-signing-key"].version
      }
    },
    # Created by the operator (README.md, "Deploying"); absent when the model is reached through Vertex AI.
    local.use_vertex ? {} : {
      "gemini-api-key" = { env = "GEMINI_API_KEY", secret = var.gemini_api_key_secret_id, version = "latest" }
    },
  )
}

# Each generated key's value is made at apply and written write-only: it is in neither the plan
# nor the state.
resource "google_secret_manager_secret" "generated" {
  for_each  = local.generated_keys
  secret_id = each.value.secret_id
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

ephemeral "random_password" "generated" {
  for_each = local.generated_keys
  length   = 48
  special  = false
}

resource "google_secret_manager_secret_version" "generated" {
  for_each               = local.generated_keys
  secret                 = google_secret_manager_secret.generated[each.key].id
  secret_data_wo         = ephemeral.random_password.generated[each.key].result
  secret_data_wo_version = each.value.version

  # A new key version exists before the old one goes, so an instance starting in between still
  # reads a key.
  lifecycle {
    create_before_destroy = true
  }
}
