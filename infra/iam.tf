# One identity per function and per role, each granted only what it uses, on the narrowest resource
# IAM allows (README.md, "Who holds what"; docs/architecture.md, "Trust boundaries").
#
# What each function may do is declared once, in function-permissions.json, keyed by the function's
# registered name: the topics it publishes to, whether it schedules delayed steps (Cloud Tasks),
# whether it calls the model, and the secrets it reads. Every grant to a function's account below
# is made from that declaration and nothing else; infra/least-privilege.test.ts checks it, and
# checks the declaration against what the functions' code uses.

locals {
  function_permissions = jsondecode(file("${path.module}/function-permissions.json")).functions
  model_functions      = toset([for name, fn in local.function_permissions : name if fn.callsModel])
  delaying_functions   = toset([for name, fn in local.function_permissions : name if fn.delaysSteps])
  scheduler_managers   = toset([for name, fn in local.function_permissions : name if fn.managesSchedulerJobs])
  # What each declared access to runs' files is granted on the artifact bucket.
  artifact_roles = {
    none          = []
    read          = ["roles/storage.objectViewer"]
    readAndCreate = ["roles/storage.objectViewer", "roles/storage.objectCreator"]
  }
  tool_secret_readers = toset([for name, fn in local.function_permissions : name if fn.readsToolSecrets])
  browser_callers     = toset([for name, fn in local.function_permissions : name if fn.callsBrowser])
  artifact_access = merge([
    for name, fn in local.function_permissions : { for role in local.artifact_roles[fn.artifacts] : "${name} ${role}" => { function = name, role = role } }
  ]...)
  code_job_access = merge([
    for name, fn in local.function_permissions : { for role in ["roles/run.jobsExecutorWithOverrides", "roles/run.viewer"] : "${name} ${role}" => { function = name, role = role } } if fn.launchesCodeJobs
  ]...)
  function_publishing = merge([
    for name, fn in local.function_permissions : { for topic in fn.publishes : "${name} ${topic}" => { function = name, topic = topic } }
  ]...)
  # A model caller reads the Gemini API key only when the model is reached with one, not through Vertex AI.
  function_secrets = {
    for name, fn in local.function_permissions : name => concat(fn.secrets, fn.callsModel && !local.use_vertex ? ["gemini-api-key"] : [])
  }
  function_secret_access = merge([
    for name, secrets in local.function_secrets : { for secret in secrets : "${name} ${secret}" => { function = name, secret = secret } }
  ]...)
  # Delayed steps are published by Cloud Tasks as the invoker, to the topic of the step's own kind:
  # the topic the delaying function is pushed from.
  delayed_step_topics = toset([for s in local.topology.subscriptions : s.topic if contains(local.delaying_functions, s.function)])
}

# -- Functions: one runtime account each, named like the function (a service account id is 6–30
#    characters, which infra/least-privilege.test.ts checks for every deploy name).
resource "google_service_account" "function" {
  for_each     = local.functions
  account_id   = each.value.deployName
  display_name = "agentline ${each.key} (runtime)"

  lifecycle {
    precondition {
      condition     = contains(keys(local.function_permissions), each.key)
      error_message = "Function ${each.key} has no entry in infra/function-permissions.json: declare the topics it publishes to, delaysSteps, callsModel and its secrets."
    }
  }
}

# The other identities: the code-exec job's, the browser service's, the invoker and the delay
# publisher (below), the build (below).
resource "google_service_account" "code_exec" {
  account_id   = "agentline-code-exec"
  display_name = "agentline code-exec job (runtime)"
}

# The browser service's (main.tf): its only job is to run Chromium on pages anyone may write, so
# it is granted nothing at all — no project role, no grant on any resource. Its answer goes back
# to the tool step, which stores what is kept (screenshots, cookies); a page that got hold of the
# metadata server's token for this account could do nothing with it.
resource "google_service_account" "browser" {
  account_id   = "agentline-browser"
  display_name = "agentline browser service (runtime)"
}

resource "google_service_account" "invoker" {
  account_id   = "agentline-invoker"
  display_name = "Pub/Sub push calling agentline's functions"
}

# Apart from the invoker on purpose: the functions that delay steps act as this account to attach
# its token to their Cloud Tasks, so whatever it may do, they may do — and a task can call any URL.
# Given the invoker's run.invoker, a step function could post a forged push to submitTrustedRun or
# controlRun; this account can only publish the delayed step topics.
resource "google_service_account" "delay_publisher" {
  account_id   = "agentline-delay-publisher"
  display_name = "Cloud Tasks publishing agentline's delayed steps"
}

resource "google_service_account" "build" {
  account_id   = "agentline-build"
  display_name = "Cloud Build for agentline functions"
}

# Every function reads and writes Firestore (runs, the registry, rejections at the delivery edge).
# Firestore has only project-level IAM.
resource "google_project_iam_member" "function_firestore" {
  for_each = local.functions
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = google_service_account.function[each.key].member
}

# Vertex AI has only project-level IAM for publisher models.
resource "google_project_iam_member" "function_vertex" {
  for_each = local.use_vertex ? local.model_functions : toset([])
  project  = var.project_id
  role     = "roles/aiplatform.user"
  member   = google_service_account.function[each.key].member
}

resource "google_pubsub_topic_iam_member" "function_publish" {
  for_each = local.function_publishing
  topic    = google_pubsub_topic.topic[each.value.topic].id
  role     = "roles/pubsub.publisher"
  member   = google_service_account.function[each.value.function].member
}

# Only the delay queue: the model-dispatch queue is reserved and no code enqueues to it yet.
resource "google_cloud_tasks_queue_iam_member" "function_enqueue_delay" {
  for_each = local.delaying_functions
  name     = google_cloud_tasks_queue.queue["delay"].id
  location = var.region
  role     = "roles/cloudtasks.enqueuer"
  member   = google_service_account.function[each.key].member
}

# Tasks carry the delay publisher's token, and attaching it to a task needs actAs on that account.
resource "google_service_account_iam_member" "function_act_as_delay_publisher" {
  for_each           = local.delaying_functions
  service_account_id = google_service_account.delay_publisher.name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.function[each.key].member
}

# Cloud Scheduler has only project-level IAM: the one function that keeps schedules' jobs in line
# with their schedules creates, updates, pauses and deletes jobs.
resource "google_project_iam_member" "function_scheduler_jobs" {
  for_each = local.scheduler_managers
  project  = var.project_id
  role     = "roles/cloudscheduler.admin"
  member   = google_service_account.function[each.key].member
}

# Each secret on its own, to the functions that declare it (secrets.tf).
resource "google_secret_manager_secret_iam_member" "function_secret" {
  for_each  = local.function_secret_access
  project   = var.project_id
  secret_id = local.secrets[each.value.secret].secret
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.function[each.value.function].member
}

# The API service verifies webhook deliveries with their triggers' secrets: it may read only the
# secrets named with the webhook prefix (docs/architecture.md, "Webhook triggers"), which the code
# also enforces, so a trigger cannot make it verify with another secret.
resource "google_project_iam_member" "api_webhook_secrets" {
  for_each = local.http_functions
  project  = var.project_id
  role     = "roles/secretmanager.secretAccessor"
  member   = google_service_account.function[each.key].member
  condition {
    title      = "agentline webhook trigger secrets"
    expression = "resource.name.startsWith(\"projects/${data.google_project.this.number}/secrets/${var.webhook_credential_prefix}\")"
  }
}

# The tool step sends OpenAPI and MCP toolsets' credentials, and the deploy worker lists MCP
# servers' tools with them: they may read only the secrets named with the tool prefix
# (docs/architecture.md, "OpenAPI toolsets"), which the code also enforces, so an agent's toolset
# cannot make them send any other secret.
resource "google_project_iam_member" "function_tool_secrets" {
  for_each = local.tool_secret_readers
  project  = var.project_id
  role     = "roles/secretmanager.secretAccessor"
  member   = google_service_account.function[each.key].member
  condition {
    title      = "agentline OpenAPI toolset secrets"
    expression = "resource.name.startsWith(\"projects/${data.google_project.this.number}/secrets/${var.tool_credential_prefix}\")"
  }
}

# The batch fan-out reads batches' JSON Lines items from the buckets the deployment names, and
# only those (docs/architecture.md, "Batches"); the API refuses a source in any other bucket, so a
# caller cannot make it read one the caller could not.
resource "google_storage_bucket_iam_member" "fan_out_batch_buckets" {
  for_each = toset(var.batch_buckets)
  bucket   = each.value
  role     = "roles/storage.objectViewer"
  member   = google_service_account.function["fanOutBatch"].member
}

# Runs' files: read by the functions that declare artifacts "read", and also created (never
# replaced or deleted: versions are create-only) by those that declare "readAndCreate".
resource "google_storage_bucket_iam_member" "function_artifacts" {
  for_each = local.artifact_access
  bucket   = google_storage_bucket.artifacts.name
  role     = each.value.role
  member   = google_service_account.function[each.value.function].member
}

# The code-exec job: run with per-execution overrides (the call's request) and cancelled, and its executions
# read, by the functions that declare launchesCodeJobs; on the job alone.
resource "google_cloud_run_v2_job_iam_member" "function_code_jobs" {
  for_each = local.code_job_access
  name     = google_cloud_run_v2_job.code_exec.name
  location = var.region
  role     = each.value.role
  member   = google_service_account.function[each.value.function].member
}

# The browser service: invoked (its Google ID token checked by Cloud Run) by the functions that
# declare callsBrowser, and by no one else; on the service alone. Its ingress is open (main.tf),
# so this is the boundary.
resource "google_cloud_run_v2_service_iam_member" "function_browser" {
  for_each = local.browser_callers
  name     = google_cloud_run_v2_service.browser.name
  location = var.region
  role     = "roles/run.invoker"
  member   = google_service_account.function[each.key].member
}

# -- code-exec job: it runs model-written code, so its account gets the least of anyone: the
#    artifact bucket's objects read and created (requests in, files and reports out; the sandbox
#    itself sees none of it), and publishing on the tool step's topic, to wake the step it reports
#    to. Nothing else: no Firestore, no other topic, no secret.
resource "google_storage_bucket_iam_member" "code_exec_artifacts" {
  for_each = toset(["roles/storage.objectViewer", "roles/storage.objectCreator"])
  bucket   = google_storage_bucket.artifacts.name
  role     = each.value
  member   = google_service_account.code_exec.member
}

resource "google_pubsub_topic_iam_member" "code_exec_wake" {
  topic  = google_pubsub_topic.topic[local.topology.stepTopics.tool].id
  role   = "roles/pubsub.publisher"
  member = google_service_account.code_exec.member
}

# -- Invoker: Pub/Sub pushes to the functions as it, and nothing else.
# Only the pushed functions: the agents API is reached by its callers, never pushed to.
resource "google_cloud_run_service_iam_member" "invoker" {
  for_each = local.pushed_functions
  service  = google_cloudfunctions2_function.fn[each.key].name
  location = var.region
  role     = "roles/run.invoker"
  member   = google_service_account.invoker.member
}

# -- Delay publisher: Cloud Tasks publishes the delayed steps as it, to their own topics only.
resource "google_pubsub_topic_iam_member" "delay_publisher_publish" {
  for_each = local.delayed_step_topics
  topic    = google_pubsub_topic.topic[each.value].id
  role     = "roles/pubsub.publisher"
  member   = google_service_account.delay_publisher.member
}

# -- Trusted submitters: the only identities that may publish to the trusted submissions topic,
#    where a submission's userId is believed without a token (docs/architecture.md, "Trust
#    boundaries"): this binding is that boundary.
resource "google_pubsub_topic_iam_member" "trusted_submitters" {
  for_each = toset(var.trusted_submitters)
  topic    = google_pubsub_topic.topic[local.topology.trustedSubmissionsTopic].id
  role     = "roles/pubsub.publisher"
  member   = each.value
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
