# The HTTP API (docs/architecture.md, "The HTTP API"): a Cloud Run service, not a Cloud Function,
# so our router answers every request itself — functions-framework parses JSON bodies before a
# function runs and answers a malformed one with an HTML page. One service per HTTP entry in
# topology.json (today agentsApi), running the image built from the same source as the functions
# (README.md, "Deploying": `gcloud builds submit dist --tag …`, then `-var api_image=…`). It runs
# as the entry's own account, with the grants and secrets function-permissions.json declares.

resource "google_cloud_run_v2_service" "http" {
  for_each = local.http_functions
  name     = local.functions[each.key].deployName
  location = var.region
  # Public: the API checks every caller's Google ID token itself (AGENTLINE_AUTH=google).
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = false

  template {
    service_account = google_service_account.function[each.key].email
    timeout         = "${local.functions[each.key].timeoutSeconds}s"
    scaling {
      min_instance_count = 0
      max_instance_count = var.max_instances
    }
    containers {
      image = var.api_image
      resources {
        limits = { cpu = "1", memory = "${local.functions[each.key].memoryMb}Mi" }
      }
      # The plain configuration, then only the secrets the entry declares, from Secret Manager
      # (function-permissions.json; secrets.tf).
      dynamic "env" {
        for_each = concat(
          [for name, value in local.runtime_environment : { name = name, value = value, secret = null }],
          [for secret in lookup(local.function_secrets, each.key, []) : { name = local.secrets[secret].env, value = null, secret = local.secrets[secret] }],
        )
        content {
          name  = env.value.name
          value = env.value.value
          dynamic "value_source" {
            for_each = env.value.secret == null ? [] : [env.value.secret]
            content {
              secret_key_ref {
                secret  = value_source.value.secret
                version = value_source.value.version
              }
            }
          }
        }
      }
    }
  }

  # Its first requests find its grants in place.
  depends_on = [
    google_project_iam_member.function_firestore,
    google_pubsub_topic_iam_member.function_publish,
    google_secret_manager_secret_iam_member.function_secret,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "api_public" {
  for_each = local.http_functions
  name     = google_cloud_run_v2_service.http[each.key].name
  location = var.region
  role     = "roles/run.invoker"
  member   = "allUsers"
}
