# One Cloud Function (2nd gen) per Pub/Sub-triggered entry in topology.json, all built from the
# same source zip; each is reached only through its push subscription (see main.tf) or a Cloud
# Tasks task. The HTTP API is a Cloud Run service of its own (api-service.tf).

resource "google_storage_bucket" "source" {
  name                        = "${var.project_id}-agentline-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  depends_on                  = [google_project_service.apis]
}

data "archive_file" "source" {
  type        = "zip"
  source_dir  = "${path.module}/${var.function_source_dir}"
  output_path = "${path.module}/.terraform/agentline-functions.zip"
  excludes    = ["node_modules", ".agentline", "Dockerfile"]
}

resource "google_storage_bucket_object" "source" {
  # Named by content, so a changed build changes every function's source and redeploys it.
  name   = "functions-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.source.output_path
}

locals {
  # Configuration only: secrets come from Secret Manager (README.md, "Who holds what"). Every
  # function and the API service run with it.
  runtime_environment = merge({
    GOOGLE_CLOUD_PROJECT      = var.project_id
    GOOGLE_CLOUD_LOCATION     = var.vertex_location
    GOOGLE_GENAI_USE_VERTEXAI = local.use_vertex ? "true" : "false"
    # Delayed steps are Cloud Tasks that call Pub/Sub's publish method with the delay publisher's
    # token (iam.tf: the functions that delay steps may enqueue and act as it; it may publish
    # those steps and nothing else).
    AGENTLINE_DELAY_QUEUE           = "cloud-tasks"
    AGENTLINE_TASKS_QUEUE           = google_cloud_tasks_queue.queue["delay"].id
    AGENTLINE_TASKS_SERVICE_ACCOUNT = google_service_account.delay_publisher.email
    # The agents API and the submission step: Google ID tokens for this audience; admins; the
    # engines agents may be created under.
    AGENTLINE_AUTH          = "google"
    AGENTLINE_AUTH_AUDIENCE = var.api_audience
    AGENTLINE_ADMINS        = join(",", var.api_admins)
    AGENTLINE_AGENT_PARENTS = join(",", local.agent_parents)
    # Webhook triggers may name only Secret Manager ids with this prefix (iam.tf: the API service may read only those).
    AGENTLINE_WEBHOOK_SECRET_PREFIX = var.webhook_credential_prefix
    # OpenAPI toolsets' authorizations read only Secret Manager ids with this prefix (iam.tf: the tool step may read only those).
    AGENTLINE_TOOL_SECRET_PREFIX = var.tool_credential_prefix
    # Schedules' Cloud Scheduler jobs live here (iam.tf: only syncScheduleJob may manage them).
    AGENTLINE_SCHEDULER_LOCATION = "projects/${var.project_id}/locations/${var.region}"
    # Batches read Cloud Storage items only from these buckets (iam.tf: the fan-out may read exactly these).
    AGENTLINE_BATCH_BUCKETS = join(",", var.batch_buckets)
    # Runs' files, and the job execute_code launches (iam.tf: only the functions that declare
    # artifacts and launchesCodeJobs may use them).
    AGENTLINE_ARTIFACT_BUCKET = google_storage_bucket.artifacts.name
    AGENTLINE_CODE_EXEC_JOB   = google_cloud_run_v2_job.code_exec.id
    # Where `browse` runs: the browser service, called with an ID token for this URL (iam.tf: only
    # the functions that declare callsBrowser may invoke it; to the others the URL is useless).
    AGENTLINE_BROWSER = google_cloud_run_v2_service.browser.uri
  }, var.function_environment)
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = { for name, fn in local.functions : name => fn if !contains(local.http_functions, name) }
  name     = each.value.deployName
  location = var.region

  build_config {
    runtime         = "nodejs22"
    entry_point     = each.value.name
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory = "${each.value.memoryMb}M"
    timeout_seconds  = each.value.timeoutSeconds
    # Pub/Sub push and Cloud Tasks count as internal traffic from this project.
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    min_instance_count             = 0
    max_instance_count             = var.max_instances
    service_account_email          = google_service_account.function[each.key].email
    # Configuration only: secrets come from Secret Manager below (README.md, "Who holds what").
    environment_variables = local.runtime_environment

    # Only the secrets the function declares (function-permissions.json; secrets.tf).
    dynamic "secret_environment_variables" {
      for_each = lookup(local.function_secrets, each.key, [])
      content {
        key        = local.secrets[secret_environment_variables.value].env
        project_id = var.project_id
        secret     = local.secrets[secret_environment_variables.value].secret
        version    = local.secrets[secret_environment_variables.value].version
      }
    }
  }

  # A function's first deliveries find its grants in place.
  depends_on = [
    google_project_iam_member.build,
    google_project_iam_member.function_firestore,
    google_project_iam_member.function_vertex,
    google_pubsub_topic_iam_member.function_publish,
    google_secret_manager_secret_iam_member.function_secret,
    google_cloud_run_v2_service_iam_member.function_browser,
  ]
}
