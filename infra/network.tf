# The code-exec job's network (main.tf): all its egress goes here, and nothing leaves it but
# Google's APIs through Private Google Access. No Cloud NAT and no route to the internet, so the
# job — and whatever escaped its sandbox — cannot reach an outside address; the firewall also
# refuses every egress but Google's private API range.

resource "google_compute_network" "code_exec" {
  name                    = "agentline-code-exec"
  auto_create_subnetworks = false
  depends_on              = [google_project_service.apis]
}

resource "google_compute_subnetwork" "code_exec" {
  name                     = "agentline-code-exec"
  network                  = google_compute_network.code_exec.id
  region                   = var.region
  ip_cidr_range            = "10.8.0.0/26"
  private_ip_google_access = true
}

# Below every allow rule: whatever no rule lets out stays in.
resource "google_compute_firewall" "code_exec_deny_egress" {
  name    = "agentline-code-exec-deny-egress"
  network = google_compute_network.code_exec.id
  deny {
    protocol = "all"
  }
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]
  priority           = 65000
}

# private.googleapis.com: where Private Google Access reaches Google's APIs.
resource "google_compute_firewall" "code_exec_google_apis" {
  name               = "agentline-code-exec-google-apis"
  network            = google_compute_network.code_exec.id
  direction          = "EGRESS"
  priority           = 1000
  destination_ranges = ["199.36.153.8/30"]
  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}

# Google's API names resolve to private.googleapis.com inside the network, so the firewall's one
# allowed range is where the job's clients go.
resource "google_dns_managed_zone" "code_exec_googleapis" {
  name       = "agentline-code-exec-googleapis"
  dns_name   = "googleapis.com."
  visibility = "private"
  private_visibility_config {
    networks {
      network_url = google_compute_network.code_exec.id
    }
  }
  depends_on = [google_project_service.apis]
}

resource "google_dns_record_set" "code_exec_private_googleapis" {
  managed_zone = google_dns_managed_zone.code_exec_googleapis.name
  name         = "private.googleapis.com."
  type         = "A"
  ttl          = 300
  rrdatas      = ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"]
}

resource "google_dns_record_set" "code_exec_googleapis" {
  managed_zone = google_dns_managed_zone.code_exec_googleapis.name
  name         = "*.googleapis.com."
  type         = "CNAME"
  ttl          = 300
  rrdatas      = ["private.googleapis.com."]
}
