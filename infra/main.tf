# Production deployment of agentline. The topics, push subscriptions, functions, queues and job
# come from topology.json, the same file the local stack reads (infra/topology.ts validates it).
#
# Functions are not given an Eventarc `event_trigger`: Eventarc creates and owns its Pub/Sub
# subscription, which cannot carry our dead-letter and retry policies, and adding our own
# subscription beside it would deliver every message twice. Instead each function is pushed to by
# the subscription below, authenticated with OIDC, at <function url>/projects/P/topics/T:
# functions-framework turns that push body into the same CloudEvent an event trigger would
# deliver, exactly as on the local stack.

terraform {
  # 1.11, google 6.50 and random 3.7.1: write-only secret data and the ephemeral random_password, so
  # the page-token key never enters the plan or the state (secrets.tf).
  required_version = ">= 1.11"
  required_providers {
    google  = { source = "hashicorp/google", version = ">= 6.50, < 8.0" }
    archive = { source = "hashicorp/archive", version = ">= 2.4" }
    random  = { source = "hashicorp/random", version = ">= 3.7.1" }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {}

locals {
  topology          = jsondecode(file("${path.module}/topology.json"))
  firestore_indexes = jsondecode(file("${path.module}/firestore.indexes.json"))
  functions         = { for fn in local.topology.functions : fn.name => fn }
  subscriptions     = { for s in local.topology.subscriptions : s.name => s }
  http_functions    = toset([for fn in local.topology.functions : fn.name if try(fn.http, false)])
  pushed_functions  = toset([for s in local.topology.subscriptions : s.function])
  pubsub_agent      = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  use_vertex        = var.gemini_api_key_secret_id == ""
  agent_parents     = length(var.agent_parents) > 0 ? var.agent_parents : ["projects/${var.project_id}/locations/global/collections/default_collection/engines/agentline"]
}

resource "google_project_service" "apis" {
  for_each = toset([
    "aiplatform.googleapis.com", "artifactregistry.googleapis.com", "cloudbuild.googleapis.com", "cloudscheduler.googleapis.com",
    "cloudfunctions.googleapis.com", "cloudtasks.googleapis.com", "firestore.googleapis.com",
    "compute.googleapis.com", "dns.googleapis.com", "iam.googleapis.com", "pubsub.googleapis.com", "run.googleapis.com",
    "secretmanager.googleapis.com", "storage.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}

# ---- Data ----

resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = coalesce(var.firestore_location, var.region)
  type        = "FIRESTORE_NATIVE"
  # Pessimistic locking, as in the emulator the tests run against.
  concurrency_mode            = "PESSIMISTIC"
  app_engine_integration_mode = "DISABLED"
  delete_protection_state     = "DELETE_PROTECTION_ENABLED"
  deletion_policy             = "ABANDON"
  depends_on                  = [google_project_service.apis]
}

# Composite indexes the code queries with, one resource per entry of firestore.indexes.json (the
# file the Firebase CLI and the emulator read), so the two never drift: runs by agent and state
# (resumeAgentRuns), runs by state and deadline (the sweeper, docs/architecture.md "The sweeper"),
# and one per ordering of an agents list page, with and without the caller's audiences.
resource "google_firestore_index" "composite" {
  for_each = {
    for index in local.firestore_indexes.indexes :
    "${index.collectionGroup}:${join(",", [for field in index.fields : field.fieldPath])}:${join(",", [for field in index.fields : try(field.order, field.arrayConfig)])}" => index
  }
  database    = google_firestore_database.default.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope
  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = try(fields.value.order, null)
      array_config = try(fields.value.arrayConfig, null)
    }
  }
}

moved {
  from = google_firestore_index.runs_by_agent_state
  to   = google_firestore_index.composite["runs:agent.name,state,createTime:ASCENDING,ASCENDING,ASCENDING"]
}

moved {
  from = google_firestore_index.runs_by_state_deadline
  to   = google_firestore_index.composite["runs:state,deadlineTime:ASCENDING,ASCENDING"]
}

resource "google_firestore_field" "steps_due_time" {
  database   = google_firestore_database.default.name
  collection = "steps"
  field      = "dueTime"
  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

resource "google_firestore_field" "callback_due_time" {
  database   = google_firestore_database.default.name
  collection = "callback"
  field      = "dueTime"
  index_config {
    indexes {
      order       = "ASCENDING"
      query_scope = "COLLECTION_GROUP"
    }
  }
}

# Retention (docs/architecture.md, "Retention"): run data expires through TTL policies on
# expireTime. The field's own indexes are dropped: nothing queries it in production, and an
# index on a timestamp that only grows is a write hotspot.
resource "google_firestore_field" "ttl" {
  for_each   = toset(local.topology.firestore.ttlCollectionGroups)
  database   = google_firestore_database.default.name
  collection = each.value
  field      = local.topology.firestore.ttlField
  ttl_config {}
  index_config {}
}

# Runs' files (docs/architecture.md, "Artifacts"): what code writes, the images shown to the model,
# code execution's requests and reports. Read and written by the functions that declare
# artifacts ("read", or "readAndCreate") and by the code-exec job (iam.tf).
resource "google_storage_bucket" "artifacts" {
  name                        = "${var.project_id}-agentline-artifacts"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  depends_on                  = [google_project_service.apis]
}

# ---- Pub/Sub ----

resource "google_pubsub_topic" "topic" {
  for_each   = toset(local.topology.topics)
  name       = each.value
  depends_on = [google_project_service.apis]
}

resource "google_pubsub_subscription" "push" {
  for_each             = local.subscriptions
  name                 = each.key
  topic                = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds = each.value.ackDeadlineSeconds

  retry_policy {
    minimum_backoff = "${each.value.retryPolicy.minimumBackoffSeconds}s"
    maximum_backoff = "${each.value.retryPolicy.maximumBackoffSeconds}s"
  }

  dynamic "dead_letter_policy" {
    for_each = each.value.deadLetterPolicy == null ? [] : [each.value.deadLetterPolicy]
    content {
      dead_letter_topic     = google_pubsub_topic.topic[dead_letter_policy.value.topic].id
      max_delivery_attempts = dead_letter_policy.value.maxDeliveryAttempts
    }
  }

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.fn[each.value.function].service_config[0].uri}/projects/${var.project_id}/topics/${each.value.topic}"
    oidc_token {
      service_account_email = google_service_account.invoker.email
      # Cloud Run accepts the service URL as audience, not the push URL with its path.
      audience = google_cloudfunctions2_function.fn[each.value.function].service_config[0].uri
    }
  }

  expiration_policy {
    ttl = "" # never expire, however quiet a topic is
  }

  # Pushing before the invoker may call the function only fails and retries; avoid the noise.
  depends_on = [google_pubsub_topic_iam_member.dead_letter_publisher, google_cloud_run_service_iam_member.invoker]
}

# Dead-lettering is done by the Pub/Sub service agent: it must publish to the dead-letter topic
# and acknowledge on each source subscription, or messages are never forwarded.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  topic  = google_pubsub_topic.topic[local.topology.deadLetterTopic].id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each     = { for name, s in local.subscriptions : name => s if s.deadLetterPolicy != null }
  subscription = google_pubsub_subscription.push[each.key].id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# ---- Cloud Tasks ----

resource "google_cloud_tasks_queue" "queue" {
  for_each = local.topology.queues
  name     = each.value.name
  location = var.region

  rate_limits {
    max_dispatches_per_second = each.value.maxDispatchesPerSecond
    max_concurrent_dispatches = each.value.maxConcurrentDispatches
  }

  # Retries belong to the step pipeline (Pub/Sub redelivery); a task only needs to land once.
  retry_config {
    max_attempts       = 5
    min_backoff        = "1s"
    max_backoff        = "10s"
    max_retry_duration = "300s"
  }

  depends_on = [google_project_service.apis]
}

# ---- Cloud Scheduler ----

# The sweeper runs every minute: the job publishes the sweep message to the sweep topic, and the
# topic's push subscription delivers it like any other message.
resource "google_cloud_scheduler_job" "sweep" {
  name      = local.topology.schedules.sweep.name
  region    = var.region
  schedule  = local.topology.schedules.sweep.cron
  time_zone = local.topology.schedules.sweep.timeZone

  pubsub_target {
    topic_name = google_pubsub_topic.topic[local.topology.schedules.sweep.topic].id
    data       = base64encode(jsonencode(local.topology.schedules.sweep.data))
  }

  depends_on = [google_project_service.apis, google_pubsub_topic_iam_member.scheduler_publish]
}

# Cloud Scheduler publishes as its service agent: the sweep job, and schedules' jobs (which
# syncScheduleJob creates, docs/architecture.md "Schedules") on the schedule-fires topic.
resource "google_pubsub_topic_iam_member" "scheduler_publish" {
  for_each = toset([local.topology.schedules.sweep.topic, local.topology.scheduleFiresTopic])
  topic    = google_pubsub_topic.topic[each.value].id
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-cloudscheduler.iam.gserviceaccount.com"
}

# ---- Cloud Run job ----
# The code-exec job (docs/architecture.md, "Code execution"): one execution per execute_code call,
# launched by the tool step with the call's request in its environment, built from
# jobs/code-exec/Dockerfile (code_exec_image). It never retries an execution (the step decides), runs
# the code in its sandbox (bubblewrap needs the second generation's full Linux kernel), and reaches
# only Google's APIs: all its traffic goes into a network with no route out but Private Google
# Access (network.tf).

resource "google_cloud_run_v2_job" "code_exec" {
  name     = local.topology.jobs.codeExec.name
  location = var.region

  template {
    task_count = 1
    template {
      service_account       = google_service_account.code_exec.email
      timeout               = "${local.topology.jobs.codeExec.timeoutSeconds}s"
      max_retries           = local.topology.jobs.codeExec.maxRetries
      execution_environment = "EXECUTION_ENVIRONMENT_GEN2"
      vpc_access {
        egress = "ALL_TRAFFIC"
        network_interfaces {
          network    = google_compute_network.code_exec.id
          subnetwork = google_compute_subnetwork.code_exec.id
        }
      }
      containers {
        image = var.code_exec_image
        resources {
          limits = {
            cpu    = local.topology.jobs.codeExec.cpu
            memory = local.topology.jobs.codeExec.memory
          }
        }
        env {
          name  = "GOOGLE_CLOUD_PROJECT"
          value = var.project_id
        }
        env {
          name  = "AGENTLINE_ARTIFACT_BUCKET"
          value = google_storage_bucket.artifacts.name
        }
      }
    }
  }

  depends_on = [google_project_service.apis]
}

# ---- Cloud Run service: the browser ----
# The browser service (docs/architecture.md, "Browser"): runs `browse`'s Chromium, one fresh
# browser per call, for the tool step alone, built from jobs/browser/Dockerfile (browser_image).
# One call per instance at a time, so two runs never share a browser; the second generation, for
# the user namespaces Chromium's sandbox is made of.
#
# Ingress: the functions have no VPC connector nor direct VPC egress (their calls leave through
# Google's own network, not a VPC of ours), and internal-only ingress admits calls from Cloud Run
# functions only through a VPC: the tool step could not reach it. So ingress is open, and IAM is the
# boundary: Cloud Run checks every request's Google ID token (audience: the service's URL) and lets
# through only accounts holding roles/run.invoker on this service, which iam.tf grants to the
# functions that declare callsBrowser and to no one else — never allUsers.
#
# Egress: a browser needs the internet, so the service cannot go into the code-exec job's network,
# whose only way out is Google's APIs (network.tf). The address policy is enforced in the
# container instead: every request Chromium makes goes through its proxy, which refuses the
# metadata server and every private and loopback address (shared/browser/guarded-proxy.ts;
# AGENTLINE_OUTBOUND_ALLOW_LOOPBACK, which would let loopback through, is never set here). Should a
# page escape both the renderer's sandbox and the proxy, the metadata server's token is worth
# nothing: the service's account holds no roles (iam.tf).

resource "google_cloud_run_v2_service" "browser" {
  name                = local.topology.services.browser.name
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = false

  template {
    service_account                  = google_service_account.browser.email
    timeout                          = "${local.topology.services.browser.timeoutSeconds}s"
    max_instance_request_concurrency = local.topology.services.browser.concurrency
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    scaling {
      min_instance_count = 0
      max_instance_count = var.browser_max_instances
    }
    # No environment: the service needs no configuration, and holds nothing of ours.
    containers {
      image = var.browser_image
      resources {
        limits = {
          cpu    = local.topology.services.browser.cpu
          memory = local.topology.services.browser.memory
        }
      }
    }
  }

  depends_on = [google_project_service.apis]
}
