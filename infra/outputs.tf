output "function_urls" {
  description = "Registered function name => its URL (internal ingress only)."
  value       = { for name, fn in google_cloudfunctions2_function.fn : name => fn.service_config[0].uri }
}

output "api_urls" {
  description = "HTTP API service (registered name, agentsApi) => its URL; the API answers at <url>/v1/..."
  value       = { for name, service in google_cloud_run_v2_service.http : name => service.uri }
}

output "topics" {
  description = "Topic name => full resource name."
  value       = { for name, topic in google_pubsub_topic.topic : name => topic.id }
}

output "subscriptions" {
  description = "Push subscription name => full resource name."
  value       = { for name, subscription in google_pubsub_subscription.push : name => subscription.id }
}

output "queues" {
  description = "Queue role (delay; modelDispatch, reserved for rate-limited model dispatch and unused yet) => full Cloud Tasks queue name."
  value       = { for role, queue in google_cloud_tasks_queue.queue : role => queue.id }
}

output "code_exec_job" {
  description = "Full name of the code-exec Cloud Run job."
  value       = google_cloud_run_v2_job.code_exec.id
}

output "browser_url" {
  description = "URL of the browser Cloud Run service (the functions' AGENTLINE_BROWSER); only the accounts of the functions that declare callsBrowser may invoke it."
  value       = google_cloud_run_v2_service.browser.uri
}

output "artifacts_bucket" {
  value = google_storage_bucket.artifacts.name
}

output "page_token_key_secret" {
  description = "Secret Manager secret holding the agents API's page-token key (its value is in neither the plan nor the state)."
  value       = google_secret_manager_secret.generated["page-token-key"].id
}

output "callback_signing_key_secret" {
  description = "Secret Manager secret holding the master key of result callback signatures, read only by the callback function (its value is in neither the plan nor the state)."
  value       = google_secret_manager_secret.generated["callback-signing-key"].id
}

output "service_accounts" {
  description = "Runtime accounts: one per function and the API service (registered name => email), and the code-exec job's, browser service's, invoker's, delay publisher's and build's."
  value = {
    functions       = { for name, account in google_service_account.function : name => account.email }
    code_exec       = google_service_account.code_exec.email
    browser         = google_service_account.browser.email
    invoker         = google_service_account.invoker.email
    delay_publisher = google_service_account.delay_publisher.email
    build           = google_service_account.build.email
  }
}
