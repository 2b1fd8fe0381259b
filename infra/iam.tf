# One identity per role, each granted only what that role touches, on the narrowest resource IAM
# allows. Firestore and Vertex AI only have project-level IAM.

resource "google_service_account" "functions" {
  account_id   = "agentline-functions"
  display_name = "agentline step functions (runtime)"
}

resource "google_service_account" "code_exec" {
  account_id   = "agentline-code-exec"
  display_name = "agentline code-exec job (runtime)"
}

resource "google_service_account" "invoker" {
  account_id   = "agentline-invoker"
  display_name = "Pub/Sub push and Cloud Tasks calling agentline"
}

resource "google_service_account" "build" {
  account_id   = "agentline-build"
  display_name = "Cloud Build for agentline functions"
}

# -- Step functions: Firestore, model calls, the outbox topics, the queues, the job, artifacts.
resource "google_project_iam_member" "functions" {
  for_each = toset(concat(["roles/datastore.user"], local.use_vertex ? ["roles/aiplatform.user"] : []))
  project  = var.project_id
  role     = each.value
  member   = google_service_account.functions.member
}

resource "google_pubsub_topic_iam_member" "functions_publish" {
  for_each = toset(local.outbox_topics)
  topic    = google_pubsub_topic.topic[each.value].id
  role     = "roles/pubsub.publisher"
  member   = google_service_account.functions.member
}

resource "google_cloud_tasks_queue_iam_member" "functions_enqueue" {
  for_each = google_cloud_tasks_queue.queue
  name     = each.value.id
  location = var.region
  role     = "roles/cloudtasks.enqueuer"
  member   = google_service_account.functions.member
}

# Tasks carry the invoker's token, and attaching it to a task needs actAs on that account.
resource "google_service_account_iam_member" "functions_act_as_invoker" {
  service_account_id = google_service_account.invoker.name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.functions.member
}

# Overrides carry each execution's input.
resource "google_cloud_run_v2_job_iam_member" "functions_run_code_exec" {
  name     = google_cloud_run_v2_job.code_exec.name
  location = var.region
  role     = "roles/run.jobsExecutorWithOverrides"
  member   = google_service_account.functions.member
}

resource "google_storage_bucket_iam_member" "artifacts" {
  for_each = { functions = google_service_account.functions.member, code_exec = google_service_account.code_exec.member }
  bucket   = google_storage_bucket.artifacts.name
  role     = "roles/storage.objectUser"
  member   = each.value
}

resource "google_secret_manager_secret_iam_member" "gemini_api_key" {
  count     = local.use_vertex ? 0 : 1
  secret_id = var.gemini_api_key_secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.functions.member
}

# -- code-exec job (reserved: no job code yet): will record its result and enqueue the next step
#    through the same commit path.
resource "google_project_iam_member" "code_exec_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.code_exec.member
}

resource "google_pubsub_topic_iam_member" "code_exec_publish" {
  for_each = toset(local.outbox_topics)
  topic    = google_pubsub_topic.topic[each.value].id
  role     = "roles/pubsub.publisher"
  member   = google_service_account.code_exec.member
}

# -- Invoker: calls the functions (push, HTTP tasks) and publishes delayed steps (Pub/Sub tasks).
resource "google_cloud_run_service_iam_member" "invoker" {
  for_each = google_cloudfunctions2_function.fn
  service  = each.value.name
  location = var.region
  role     = "roles/run.invoker"
  member   = google_service_account.invoker.member
}

resource "google_pubsub_topic_iam_member" "invoker_publish" {
  for_each = toset(values(local.topology.stepTopics))
  topic    = google_pubsub_topic.topic[each.value].id
  role     = "roles/pubsub.publisher"
  member   = google_service_account.invoker.member
}

# Pub/Sub mints the push OIDC tokens as the invoker (needed in projects created before 2021-04-08).
resource "google_service_account_iam_member" "pubsub_mints_invoker_tokens" {
  service_account_id = google_service_account.invoker.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

# -- Build: what Cloud Build needs to turn the source zip into a function (per the Cloud Run
# functions build service account guide; sources are staged in Google-managed buckets).
resource "google_project_iam_member" "build" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer", "roles/storage.objectAdmin"])
  project  = var.project_id
  role     = each.value
  member   = google_service_account.build.member
}
