#!/usr/bin/env bash
# Copies the screenshots the role guides show (docs/guide/*.md) from the browser tests'
# artifacts into docs/guide/images/. Run the browser tests first (scripts/test.sh, or
# `swift test --filter BrowserTests` with RECORDKEEPER_BROWSER_PYTHON set: docs/web.md), then:
#
#   bash scripts/guide-screenshots.sh [ARTIFACTS_DIR]     # default .build/browser-artifacts
#
# Exits 1 naming every screenshot it could not find (nothing is copied then).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
artifacts="${1:-$repo_root/.build/browser-artifacts}"
images="$repo_root/docs/guide/images"

# guide image <- the artifact's name (a glob: the first match that is not a 360 px or poll copy).
mapping=(
    "signin.png anonymous-signin.png"
    "agent-inbox.png agent-inbox.png"
    "agent-conversation.png journey-agent/agent-replied.png"
    "supervisor-routing.png supervisor-routing.png"
    "supervisor-analytics.png supervisor-analytics.png"
    "supervisor-automation.png supervisor-automation.png"
    "supervisor-assignments.png supervisor-assignments.png"
    "records-overview.png records_officer-retention.png"
    "records-holds.png records_officer-retention-holds.png"
    "records-list.png records_officer-retention-lists-DL-*.png"
    "requests-list.png request_officer-requests.png"
    "requests-review.png request_officer-requests-PRR-*-review.png"
    "auditor-audit.png auditor-audit.png"
    "auditor-accesses.png auditor-audit-accesses.png"
    "auditor-checkpoints.png auditor-audit-checkpoints.png"
    "admin-staff.png admin-admin-staff.png"
    "admin-user.png admin-admin-staff-*.png"
    "admin-tokens.png admin-admin-tokens.png"
    "admin-integrations.png admin-admin-integrations.png"
    "admin-relays.png admin-admin-relays.png"
)

missing=()
sources=()
for entry in "${mapping[@]}"; do
    read -r target pattern <<<"$entry"
    found=""
    for candidate in "$artifacts"/$pattern; do
        case "$candidate" in *-360.png | *-check-new.png) continue ;; esac
        [[ -f "$candidate" ]] && { found="$candidate"; break; }
    done
    if [[ -z "$found" ]]; then missing+=("$target (from $pattern)"); else sources+=("$found $target"); fi
done
if ((${#missing[@]} > 0)); then
    printf 'guide-screenshots.sh: not in %s (run the browser tests first):\n' "$artifacts" >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
fi
mkdir -p "$images"
for pair in "${sources[@]}"; do
    read -r source target <<<"$pair"
    cp "$source" "$images/$target"
done
printf 'guide-screenshots.sh: %d screenshots copied to %s\n' "${#sources[@]}" "$images"
