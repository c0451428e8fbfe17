import Access
import Foundation
import HTTPTypes
import Inbox
import LedgerStore
import Messaging
import OpenAPIRuntime
import RecordkeeperCore

// Team work (docs/api.md, "Team inbox", "Automation rules", "Search", "Analytics"): the inbox,
// a conversation's assignment, state, notes and read mark, the routing and automation rules,
// content search and per-team analytics. Every `{id}` operation answers 404 `no_conversation`
// for a conversation outside the caller's scope.
extension APIHandler {
    // MARK: Automation rules

    /// `GET /v1/automation-rules`: the rule set in force (`automation.manage`).
    func getAutomationRules(_ input: Operations.GetAutomationRules.Input) async throws -> Operations.GetAutomationRules.Output {
        .ok(.init(body: .json(Self.automationDocument(try await automationRules.current()))))
    }

    /// `PUT /v1/automation-rules`: replaces the rule set whole, recorded as
    /// `automation.rules.set` with the caller as actor; a bad rule is 422 naming its field
    /// (``AutomationRuleError``).
    func setAutomationRules(_ input: Operations.SetAutomationRules.Input) async throws -> Operations.SetAutomationRules.Output {
        let actor = try CurrentRequest.staff().actor
        let body =
            switch input.body {
            case .json(let value): value
            }
        let set = try AutomationRuleSet(json: body)
        return .ok(.init(body: .json(Self.automationDocument(try await automationRules.set(set, actor: actor)))))
    }

    // MARK: Search

    /// `GET /v1/search`: messages holding every word of `q`, within the caller's conversations,
    /// newest first, masked above the caller's clearance. The query and each message shown are
    /// recorded (`access.viewed`).
    func searchMessages(_ input: Operations.SearchMessages.Input) async throws -> Operations.SearchMessages.Output {
        let query = input.query.q
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "the query parameter \"q\" must hold the words to search for", extensions: ["field": "q"])
        }
        let ids = self.ids
        var conversation: String?
        if let text = input.query.conversation {
            guard let id = ids.conversationID(fromAPIID: text) else {
                // Well formed but not one of ours: no such conversation (as for the `{id}` routes).
                if ids.isUnknown(text) { throw ProblemDetails.noConversation }
                throw ProblemDetails(
                    status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                    detail: "the query parameter \"conversation\" must be an `id` returned by GET /v1/conversations",
                    extensions: ["field": "conversation"])
            }
            conversation = id
        }
        let limit = input.query.limit ?? 20
        guard (1...ContentSearch.maxLimit).contains(limit) else {
            throw ProblemDetails(
                status: .badRequest, code: "invalid_parameter", title: "Invalid parameter",
                detail: "the query parameter \"limit\" must be between 1 and \(ContentSearch.maxLimit)", extensions: ["field": "limit"])
        }
        let note = try CurrentRequest.accessNote()
        note.query(query)
        let search = ContentSearch(store: store, ledger: serviceLedger, teams: ScopeCheckTeams(check: scope))
        let page = try await search.search(
            query, conversation: conversation, scope: try CurrentRequest.scope(), clearance: CurrentRequest.clearance, limit: limit,
            cursor: input.query.cursor)
        for hit in page.hits {
            note.viewed("message:\(hit.position)")
            if hit.masked { note.masked(hit.position) }
        }
        return .ok(.init(body: .json(.init(items: page.hits.map { SearchHitItem($0, ids: ids) }, nextCursor: page.nextCursor))))
    }

    // MARK: Analytics

    /// `GET /v1/analytics`: per team and day (`analytics.read`); a caller limited to some teams
    /// sees only those teams' rows. A bad day or range is 400 naming the parameter
    /// (``AnalyticsRequestError``).
    func getAnalytics(_ input: Operations.GetAnalytics.Input) async throws -> Operations.GetAnalytics.Output {
        let report = try await AnalyticsQueries(store: store, logger: logger).report(
            ledger: serviceLedger, from: input.query.from, to: input.query.to, team: input.query.team, calendar: analyticsCalendar)
        let scope = try CurrentRequest.scope()
        let days = report.days.filter { scope.includes(team: $0.team) }.map(AnalyticsDayRow.init)
        return .ok(.init(body: .json(.init(timezone: report.timezone, days: days))))
    }

    // MARK: A conversation's assignment, notes, read mark and state

    /// `POST /v1/conversations/{id}/assignment`: assign, unassign or transfer.
    func assignConversation(_ input: Operations.AssignConversation.Input) async throws -> Operations.AssignConversation.Output {
        let (item, principal) = try await scopedItem(input.path.id)
        let body =
            switch input.body {
            case .json(let value): value
            }
        let assignment = try InboxRequestBodies.assignment(body)
        let outcome = try await inboxCommands.assign(item, assignment, by: principal)
        return .ok(.init(body: .json(InboxStateDocument(item, outcome, ids: ids))))
    }

    /// `GET /v1/conversations/{id}/notes`: the notes with their text (the read is recorded).
    func listNotes(_ input: Operations.ListNotes.Input) async throws -> Operations.ListNotes.Output {
        let (item, _) = try await scopedItem(input.path.id)
        let notes = try await inboxQueries.notes(ledger: serviceLedger, conversation: item.conversationID)
        try CurrentRequest.accessNote().viewed("conversation:\(item.conversationID)")
        let items = notes.map { NoteItem(noteID: $0.noteID, position: $0.position, author: $0.author, createdAt: $0.createdAt, text: $0.text) }
        return .ok(.init(body: .json(.init(conversation: ids.apiID(item.conversationID), items: items))))
    }

    /// `POST /v1/conversations/{id}/notes`: an internal note, recorded as `note.added`.
    func addNote(_ input: Operations.AddNote.Input) async throws -> Operations.AddNote.Output {
        let (item, principal) = try await scopedItem(input.path.id)
        let body =
            switch input.body {
            case .json(let value): value
            }
        let text = try InboxRequestBodies.noteText(body)
        let note = try await inboxCommands.addNote(item, text: text, by: principal)
        return .created(
            .init(body: .json(NoteItem(noteID: note.noteID, position: note.position, author: note.author, createdAt: note.createdAt, text: note.text))))
    }

    /// `POST /v1/conversations/{id}/read`: marks the conversation read for the caller, up to
    /// `position` or (no body) its latest message.
    func markConversationRead(_ input: Operations.MarkConversationRead.Input) async throws -> Operations.MarkConversationRead.Output {
        let (item, principal) = try await scopedItem(input.path.id)
        let latest = try await inboxQueries.latestMessagePosition(ledger: serviceLedger, conversation: item.conversationID)
        let body: JSONValue? =
            switch input.body {
            case .json(let value)?: value
            case nil: nil
            }
        let requested = try InboxRequestBodies.readPosition(body, latest: latest)
        let mark = try await inboxCommands.markRead(item, upTo: requested, latest: latest, by: principal)
        return .ok(
            .init(body: .json(.init(conversation: ids.apiID(item.conversationID), position: Int(mark.position), readPosition: Int(mark.read)))))
    }

    /// `POST /v1/conversations/{id}/state`: pending, closed or open again.
    func changeConversationState(_ input: Operations.ChangeConversationState.Input) async throws -> Operations.ChangeConversationState.Output {
        let (item, principal) = try await scopedItem(input.path.id)
        let body =
            switch input.body {
            case .json(let value): value
            }
        let state = try InboxRequestBodies.state(body)
        let outcome = try await inboxCommands.changeState(item, to: state, by: principal)
        return .ok(.init(body: .json(InboxStateDocument(item, outcome, ids: ids))))
    }

    // MARK: The inbox and its routing rules

    /// `GET /v1/inbox`: the conversations within the caller's scope, newest activity first.
    func listInbox(_ input: Operations.ListInbox.Input) async throws -> Operations.ListInbox.Output {
        let principal = try CurrentRequest.staff()
        let query = input.query
        var filter = InboxFilter()
        filter.team = query.team
        filter.state = query.state?.rawValue
        switch query.assignee {
        case nil: break
        case "me"?: filter.assignee = .user(principal.name)
        case "none"?: filter.assignee = .nobody
        case let name?: filter.assignee = .user(name)
        }
        filter.unreadOnly = query.unread?.rawValue == "true"
        let limit = try Self.pageLimit(query.limit)
        let page = try await inboxQueries.list(
            ledger: serviceLedger, scope: try CurrentRequest.scope(), user: principal.name, filter: filter, limit: limit, cursor: query.cursor)
        let now = Date()
        let ids = self.ids
        return .ok(.init(body: .json(InboxPageDocument(items: page.items.map { InboxItemEntry($0, now: now, ids: ids) }, nextCursor: page.nextCursor))))
    }

    /// `GET /v1/routing/rules`: the rule set in force and the entry that set it.
    func getRoutingRules(_ input: Operations.GetRoutingRules.Input) async throws -> Operations.GetRoutingRules.Output {
        .ok(.init(body: .json(RoutingRulesStateDocument(try await inboxQueries.routingRules(ledger: serviceLedger)))))
    }

    /// `PUT /v1/routing/rules`: replaces the routing rules (`routing.rules.set`); a bad rule is
    /// 422 naming its field (``RoutingRulesError``).
    func setRoutingRules(_ input: Operations.SetRoutingRules.Input) async throws -> Operations.SetRoutingRules.Output {
        let principal = try CurrentRequest.staff()
        let body =
            switch input.body {
            case .json(let value): value
            }
        let (rules, position) = try await inboxCommands.setRoutingRules(try RoutingRuleSet.parse(body), by: principal)
        let current = CurrentRoutingRules(rules: rules, position: position, actor: principal.actor, setAt: Date())
        return .ok(.init(body: .json(RoutingRulesStateDocument(current))))
    }
}

extension APIHandler {

    /// The API document of the automation rules: the rule set and who set it when
    /// (`position`, `set_at`, `set_by` null when none was ever set).
    static func automationDocument(_ recorded: RecordedAutomationRules?) -> JSONValue {
        guard case .object(var members) = (recorded?.rules ?? AutomationRuleSet()).json else { return .null }
        members["position"] = recorded.map { .integer($0.position) } ?? .null
        members["set_at"] = recorded.map { .string(RFC3339.format($0.setAt)) } ?? .null
        members["set_by"] = recorded.map { .string($0.setBy) } ?? .null
        return .object(members)
    }

    private var automationRules: AutomationRules { AutomationRules(store: store, ledger: serviceLedger) }
    private var inboxQueries: InboxQueries { InboxQueries(store: store) }
    private var inboxCommands: InboxCommands { InboxCommands(store: store, ledger: serviceLedger) }

    /// The conversation of the `{id}` path parameter as the caller's inbox shows it, and the
    /// caller. - Throws: 400 `invalid_conversation_id` for an id not of the documented form, 404
    /// `no_conversation` for one of no conversation or of one outside the caller's scope.
    private func scopedItem(_ apiID: String) async throws -> (InboxItem, StaffPrincipal) {
        let ids = self.ids
        guard let id = ids.conversationID(fromAPIID: apiID) else {
            if ids.isUnknown(apiID) { throw ProblemDetails.noConversation }
            throw ProblemDetails(
                status: .badRequest, code: "invalid_conversation_id", title: "Invalid conversation id",
                detail: "the conversation id must be an `id` returned by GET /v1/conversations")
        }
        let principal = try CurrentRequest.staff()
        guard let item = try await inboxQueries.item(ledger: serviceLedger, conversation: id, user: principal.name) else {
            throw ProblemDetails.noConversation
        }
        guard try CurrentRequest.scope().includes(team: item.team) else {
            try CurrentRequest.accessNote().refused("conversation:\(id)")
            throw ProblemDetails.noConversation
        }
        return (item, principal)
    }
}

/// The team lookup of ``ConversationScopeCheck``, for a page of search hits.
struct ScopeCheckTeams: ConversationTeamLookup {
    let check: ConversationScopeCheck

    func teams(ledger: LedgerRef, conversations: Set<String>) async throws -> [String: String] {
        var teams: [String: String] = [:]
        for conversation in conversations {
            if let team = try await check.team(conversation) { teams[conversation] = team }
        }
        return teams
    }
}

enum AutomationRoutesLimits {
    /// The largest automation rule set body: 50 rules of 4096 characters fit comfortably.
    static let maxBodyBytes = 1024 * 1024
}
