public import Classification

/// The role × action matrix (docs/access.md), in one place. The server asks it for every
/// request; `AccessMatrixTests` checks every route against it for every role, and that
/// docs/access.md shows the same table.
public enum AccessPolicy {
    /// How a role may perform an action.
    public enum Grant: String, Sendable, Hashable {
        /// Allowed.
        case allowed
        /// Allowed only with a stated reason (`X-Recordkeeper-Access-Reason`): break-glass,
        /// recorded with the reason.
        case withReason = "with_reason"
    }

    /// What the caller may do with one request.
    public enum Decision: Sendable, Hashable {
        /// Allowed; `breakGlass` when only the stated reason allowed it.
        case allowed(breakGlass: Bool)
        /// Allowed with a reason, and none was given: 403 `reason_required`.
        case reasonRequired
        /// Not for these roles: 403 `forbidden`.
        case refused
    }

    /// Every role's grants. An action missing from a role's row is refused.
    public static let matrix: [StaffRole: [StaffAction: Grant]] = {
        let agent: [StaffAction: Grant] = [
            .conversationsList: .allowed, .conversationRead: .allowed, .messagesRead: .allowed, .mediaDownload: .allowed,
            .contentSearch: .allowed, .messageSend: .allowed, .mediaUpload: .allowed, .sendStatusRead: .allowed,
            .inboxRead: .allowed, .conversationAssign: .allowed, .conversationStateChange: .allowed,
            .conversationMarkRead: .allowed, .noteAdd: .allowed, .notesRead: .allowed, .sessionSelf: .allowed,
        ]
        var supervisor = agent
        for action: StaffAction in [.routingManage, .automationManage, .classificationOverride, .analyticsRead, .metricsRead, .staffRead] {
            supervisor[action] = .allowed
        }
        let recordsOfficer: [StaffAction: Grant] = [
            .conversationsList: .allowed, .conversationRead: .allowed, .messagesRead: .allowed, .mediaDownload: .allowed,
            .contentSearch: .allowed, .inboxRead: .allowed, .notesRead: .allowed, .sendStatusRead: .allowed,
            .classificationOverride: .allowed, .accessLogRead: .allowed, .ledgerRead: .allowed, .analyticsRead: .allowed,
            .sessionSelf: .allowed, .retentionRead: .allowed, .retentionManage: .allowed, .legalHoldManage: .allowed,
        ]
        let requestOfficer: [StaffAction: Grant] = [
            .conversationsList: .allowed, .conversationRead: .allowed, .messagesRead: .allowed, .mediaDownload: .allowed,
            .contentSearch: .allowed, .inboxRead: .allowed, .notesRead: .allowed, .sessionSelf: .allowed,
            // Holds of type public_records_request only (the route refuses other types).
            .legalHoldManage: .allowed, .requestsRead: .allowed, .requestsManage: .allowed,
        ]
        let auditor: [StaffAction: Grant] = [
            .accessLogRead: .allowed, .ledgerRead: .allowed, .analyticsRead: .allowed, .metricsRead: .allowed,
            .staffRead: .allowed, .sessionSelf: .allowed, .retentionRead: .allowed, .requestsRead: .allowed,
        ]
        let admin: [StaffAction: Grant] = [
            .staffRead: .allowed, .staffManage: .allowed, .routingManage: .allowed, .automationManage: .allowed,
            .ledgerRead: .allowed, .analyticsRead: .allowed, .metricsRead: .allowed, .sessionSelf: .allowed,
            .conversationsList: .withReason, .conversationRead: .withReason, .messagesRead: .withReason,
            .mediaDownload: .withReason, .contentSearch: .withReason, .notesRead: .withReason, .inboxRead: .withReason,
            .requestsRead: .allowed, .requestsManage: .allowed,
        ]
        return [.agent: agent, .supervisor: supervisor, .recordsOfficer: recordsOfficer, .requestOfficer: requestOfficer, .auditor: auditor, .admin: admin]
    }()

    /// The actions an auditor with a granted content clearance may also perform.
    public static let contentGrantActions: Set<StaffAction> = [
        .conversationsList, .conversationRead, .messagesRead, .mediaDownload, .contentSearch, .notesRead,
    ]

    /// The grant of one role for one action; nil: refused.
    public static func grant(_ role: StaffRole, _ action: StaffAction) -> Grant? {
        matrix[role]?[action]
    }

    /// Decides one request of `principal` for `action`, with or without a stated reason.
    ///
    /// The best grant among the principal's roles wins: `allowed` beats `withReason`. A user
    /// with a granted content clearance may also perform ``contentGrantActions``.
    public static func decide(_ principal: StaffPrincipal, _ action: StaffAction, reasonGiven: Bool) -> Decision {
        let grants = principal.roles.compactMap { grant($0, action) }
        if grants.contains(.allowed) { return .allowed(breakGlass: false) }
        if principal.grantedClearance != nil, contentGrantActions.contains(action) { return .allowed(breakGlass: false) }
        if grants.contains(.withReason) { return reasonGiven ? .allowed(breakGlass: true) : .reasonRequired }
        return .refused
    }

    /// The conversations `principal` may reach through `action`, computed from what each of its
    /// roles grants for that action, never from the strongest-looking role: a role that does not
    /// allow the action (an auditor's or an admin's next to an agent's) widens nothing.
    ///
    /// - An agent's grant covers the agent's teams.
    /// - Every other role that allows the action covers the whole ledger (supervisors and
    ///   officers read every conversation; the metadata actions of auditors and admins are not
    ///   per team).
    /// - A granted content clearance covers the whole ledger for ``contentGrantActions``, and so
    ///   does a break-glass access (an admin with a stated reason).
    /// - Nothing grants it: no conversation.
    public static func scope(of principal: StaffPrincipal, for action: StaffAction, breakGlass: Bool) -> ConversationScope {
        if breakGlass { return .all }
        if principal.grantedClearance != nil, contentGrantActions.contains(action) { return .all }
        var teams: Set<String> = []
        for role in principal.roles where grant(role, action) == .allowed {
            guard role == .agent else { return .all }
            teams.formUnion(principal.teams)
        }
        return .teams(teams)
    }

    /// The highest data category each role sees unmasked; nil: no message content.
    public static let roleClearance: [StaffRole: DataCategory] = [
        .agent: .sensitive, .supervisor: .confidential, .recordsOfficer: .specialHandling, .requestOfficer: .specialHandling,
    ]

    /// The clearance of a break-glass (admin with a reason): restricted content stays masked.
    public static let breakGlassClearance: DataCategory = .sensitive

    /// The highest category `principal` sees unmasked: the best of its roles' clearances and a
    /// granted clearance; a break-glass access adds ``breakGlassClearance``. Nil: content is
    /// withheld entirely.
    public static func clearance(of principal: StaffPrincipal, breakGlass: Bool) -> DataCategory? {
        var levels = principal.roles.compactMap { roleClearance[$0] }
        if let granted = principal.grantedClearance { levels.append(granted) }
        if breakGlass { levels.append(breakGlassClearance) }
        return levels.max()
    }
}
