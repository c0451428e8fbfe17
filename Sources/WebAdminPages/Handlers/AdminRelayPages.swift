import Access
import Foundation
import Hummingbird
import Ledger
import LedgerStore
import WebFoundation
import WebhookRelay

/// The admin's webhook relay pages (issue 16 item 7): `GET /admin/relays`, `POST /admin/relays`
/// (add or replace), `POST /admin/relays/{name}/removal`, through ``WebhookRelayStore`` as
/// `recordkeeper relays add/list/remove` (each change a `relay.*` event, with the signed-in
/// admin as its actor).
///
/// The secret is sealed under the master key and never shown back: the form's field is a
/// password field, emptied on every answer, and no message names it. A running service reads
/// the relays again every `RECORDKEEPER_RELAY_RELOAD` seconds (``WebhookRelayDirectory``), so a
/// change made here is used within that interval, without a restart, as the command's is.
extension WebApplication {
    /// Every relay with its pending deliveries and latest failure, and the form to add one.
    func relayList(_ page: PageRequest) async throws -> Response {
        var notice: String?
        if let name = page.query("saved") { notice = "Saved relay \(name)." }
        if let name = page.query("removed") { notice = "Removed relay \(name); deliveries still queued for it are given up." }
        return try await relayListPage(page, form: RelayForm(), notice: notice)
    }

    /// Adds a relay, or with `replace` ticked replaces the one of that name.
    func saveRelay(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        var form = RelayForm(
            name: page.form.trimmed("name") ?? "", url: page.form.trimmed("url") ?? "", numbers: page.form.trimmed("numbers") ?? "",
            replace: page.form["replace"] != nil, disabled: page.form["disabled"] != nil)
        // Surrounding white space is ignored, as `relays add --secret-file` does.
        let secret = (page.form["secret"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if secret.isEmpty { form.errors["secret"] = "Enter the downstream app's secret (it signs what is relayed)." }
        let numbers = form.numbers.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        var relay: WebhookRelay?
        do {
            relay = try WebhookRelay(name: form.name, phoneNumberIDs: numbers, url: form.url, enabled: !form.disabled)
        } catch let error as WebhookRelayConfigError {
            form.fail(error)
        }
        if let relay, form.errors.isEmpty {
            do {
                try await WebhookRelayStore.save(
                    relay, secret: secret, replace: form.replace, store: store, ledger: settings.ledger, actor: principal.actor)
                return PageRenderer.redirect(to: "/admin/relays?saved=\(PageGate.percentEncoded(relay.name))")
            } catch let error as WebhookRelayConfigError {
                form.fail(error)
            } catch LedgerStoreError.noMasterKey {
                throw PageError.unavailable("The service has no master key configured, so a relay's secret cannot be sealed: nothing was saved.")
            }
        }
        return try await relayListPage(page, form: form, status: .unprocessableContent)
    }

    /// Removes the relay `{name}`.
    func removeRelay(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        let name = try page.requiredParameter("name")
        do {
            try await WebhookRelayStore.remove(name, store: store, ledger: settings.ledger, actor: principal.actor)
        } catch WebhookRelayConfigError.notFound {
            throw PageError(status: .notFound, title: "No such relay", message: "There is no relay named \(name): it may have been removed already.")
        }
        return PageRenderer.redirect(to: "/admin/relays?removed=\(PageGate.percentEncoded(name))")
    }

    private func relayListPage(_ page: PageRequest, form: RelayForm, notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try page.staff()
        let relays = try await WebhookRelayStore.list(client: store.client, logger: logger)
        let health = try await WebhookRelayHealth.pending(store: store, ledger: settings.ledger)
        var context: [String: Any] = [
            "csrf": page.frame.csrfToken, "canManage": WebPages.allows(principal, .staff(.staffManage)), "empty": relays.isEmpty,
            "relays": relays.map { relay -> [String: Any] in
                var row: [String: Any] = [
                    "name": relay.name, "numbers": relay.phoneNumberIDs.joined(separator: ", "), "url": relay.redactedURL,
                    "state": relay.enabled ? "enabled" : "disabled: deliveries wait", "pending": health[relay.name]?.pending ?? 0,
                    "removePath": "/admin/relays/\(PageGate.percentEncoded(relay.name))/removal",
                ]
                if let updated = relay.updatedAt { row["updated"] = PageText.time(updated) }
                if let failure = health[relay.name]?.lastFailure {
                    let answer = failure.httpStatus.map { "HTTP \($0)" } ?? "no answer"
                    row["failure"] = [
                        "time": PageText.time(failure.at.date), "text": [answer, failure.detail].compactMap { $0 }.joined(separator: ": "),
                    ]
                }
                return row
            },
            "fields": [
                FormField(
                    id: "name", label: "Name", value: form.name, autocomplete: "off",
                    hint: "Lower-case letters, digits, '.', '_' or '-', such as case-app.", error: form.errors["name"]
                ).context,
                FormField(
                    id: "url", label: "Downstream webhook URL", type: "url", value: form.url, autocomplete: "off",
                    hint: "Where the app receives Meta's webhooks now: https (http only to this machine).", error: form.errors["url"]
                ).context,
                FormField(
                    id: "numbers", label: "Business phone number ids", value: form.numbers, autocomplete: "off",
                    hint: "Meta's phone_number_id of each number whose deliveries it receives, separated by commas.", error: form.errors["numbers"]
                ).context,
                FormField(
                    id: "secret", label: "The app's secret", type: "password", autocomplete: "new-password",
                    hint: "What the app checks X-Hub-Signature-256 with. It is stored sealed and never shown again; enter it again to replace a relay.",
                    error: form.errors["secret"]
                ).context,
            ],
            "replace": form.replace, "disabled": form.disabled,
        ]
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("admin-relays", title: "Webhook relays", frame: page.frame, status: status, context: context)
    }
}

/// What the relay form was given (never the secret) and its errors by field.
struct RelayForm {
    var name = ""
    var url = ""
    var numbers = ""
    var replace = false
    var disabled = false
    var errors: [String: String] = [:]

    /// Puts a refusal of the relay's rules on the field it concerns, in the page's words.
    mutating func fail(_ error: WebhookRelayConfigError) {
        switch error {
        case .invalidName:
            errors["name"] = "Enter a name of 1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit."
        case .noPhoneNumberID:
            errors["numbers"] = "Enter at least one business phone number id."
        case .invalidPhoneNumberID(let id):
            errors["numbers"] = "\(id.prefix(80)) is not a phone number id: use 1 to 64 letters, digits, '.', '_' or '-'."
        case .invalidURL(let reason):
            errors["url"] = "This URL cannot be used: \(reason)."
        case .invalidSecret(let reason):
            errors["secret"] = "This secret cannot be used: \(reason)."
        case .alreadyExists(let name):
            errors["name"] = "A relay named \(name) exists: tick \"Replace the relay of this name\" to change it, or remove it first."
        case .notFound(let name):
            errors["name"] = "There is no relay named \(name)."
        }
    }
}
