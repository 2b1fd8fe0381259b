variable "project_id" {
  description = "Google Cloud project to deploy agentline into."
  type        = string
}

variable "region" {
  description = "Region for Cloud Functions, the Cloud Run job and services, Cloud Tasks queues and buckets."
  type        = string
  default     = "us-central1"
}

variable "firestore_location" {
  description = "Firestore location (a region such as us-central1, or a multi-region such as nam5). Defaults to var.region. Cannot be changed after creation."
  type        = string
  default     = null
}

variable "function_source_dir" {
  description = "Directory zipped as the functions' source: the output of `npm run build` with package.json and package-lock.json, whose `main` registers every function in topology.json."
  type        = string
  default     = "../dist"
}

variable "code_exec_image" {
  description = "Container image of the code-exec Cloud Run job (jobs/code-exec)."
  type        = string
}

variable "browser_image" {
  description = "Container image of the browser Cloud Run service (jobs/browser), which runs `browse`'s Chromium."
  type        = string
}

variable "gemini_api_key_secret_id" {
  description = "Secret Manager secret holding a Gemini API key, read only by the functions that call the model. Empty (the default) means Vertex AI with those functions' own identities."
  type        = string
  default     = ""
}

variable "vertex_location" {
  description = "GOOGLE_CLOUD_LOCATION for Vertex AI model calls."
  type        = string
  default     = "global"
}

variable "max_instances" {
  description = "Upper bound on instances per function; Pub/Sub push backs off when they are all busy."
  type        = number
  default     = 20
}

variable "browser_max_instances" {
  description = "Upper bound on the browser service's instances, each running one browse call at a time: the most browse calls at once across all runs; a call past it is answered 429 and not run (the model may call again)."
  type        = number
  default     = 10
}

variable "function_environment" {
  description = "Extra environment variables for every function (read by loadConfig). No secrets: those come from Secret Manager (secrets.tf)."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for name in keys(var.function_environment) : !can(regex("SECRET|PASSWORD|TOKEN|_KEY$", upper(name)))])
    error_message = "function_environment must not carry secrets (a name with SECRET, PASSWORD, TOKEN or ending in _KEY): every function would hold them in plain text, and Terraform would keep them in its state."
  }
}

variable "page_token_key_version" {
  description = "Version of the agents API's page-token key; raise it to write a new key (outstanding page tokens then stop being accepted)."
  type        = number
  default     = 1
}

variable "callback_signing_key_version" {
  description = "Version of the result callbacks' master signing key; raise it to write a new key (every user's callback secret then changes)."
  type        = number
  default     = 1
}

variable "api_audience" {
  description = "Audience the agents API requires in callers' Google ID tokens (e.g. its URL, or an OAuth client id)."
  type        = string
}

variable "webhook_credential_prefix" {
  description = "Webhook triggers may name only Secret Manager secrets of this project whose id starts with this; the API service may read exactly those."
  type        = string
  default     = "agentline-webhook-"
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.webhook_credential_prefix))
    error_message = "webhook_credential_prefix must be letters, digits, _ or -."
  }
}

variable "tool_credential_prefix" {
  description = "OpenAPI toolsets' authorizations (…/authorizations/ID) read this project's Secret Manager secret <prefix>ID; the tool step may read exactly those."
  type        = string
  default     = "agentline-tool-"
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.tool_credential_prefix))
    error_message = "tool_credential_prefix must be letters, digits, _ or -."
  }
}

variable "batch_buckets" {
  description = "Cloud Storage buckets batches may read their JSON Lines items from (gs://BUCKET/…); the batch fan-out may read exactly these."
  type        = list(string)
  default     = []
}

variable "trusted_submitters" {
  description = "IAM members (e.g. serviceAccount:svc@p.iam.gserviceaccount.com) allowed to publish to agentline-trusted-submissions, where a submission's userId is believed without a token. Only services that authenticate their own users belong here."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for member in var.trusted_submitters : startswith(member, "serviceAccount:")])
    error_message = "trusted_submitters takes service identities only (serviceAccount:…): a person publishing there could start runs as anyone."
  }
}

variable "agent_parents" {
  description = "Engines (projects/P/locations/L/collections/C/engines/E) agents may be created under; default: the project's default engine."
  type        = list(string)
  default     = []
}

variable "api_admins" {
  description = "Google account emails that administer every agent and grant authorizations."
  type        = list(string)
  default     = []
}

variable "api_image" {
  description = "Container image of the HTTP API service, built from the prepared source: `npm run build && gcloud builds submit dist --tag REGION-docker.pkg.dev/PROJECT/REPO/agentline-api`."
  type        = string
}
