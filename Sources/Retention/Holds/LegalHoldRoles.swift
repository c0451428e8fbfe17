/// Who places and releases legal holds, and which: the rule `POST /v1/retention/holds` and the
/// web's hold form both apply (docs/records-officer.md, "Legal holds").
extension LegalHolds {
    /// The request officer's role name.
    public static let requestOfficer = "request_officer"

    /// The role a member of staff with `roles` (role names) places and releases holds as:
    /// records officer when they are one, else request officer; nil for anyone else.
    public static func placingRole(among roles: some Sequence<String>) -> String? {
        let roles = Set(roles)
        if roles.contains(recordsOfficer) { return recordsOfficer }
        if roles.contains(requestOfficer) { return requestOfficer }
        return nil
    }

    /// Whether `role` may place a hold of `type`: a records officer any, a request officer
    /// public records request holds only.
    public static func mayPlace(_ type: LegalHoldType, as role: String) -> Bool {
        role == recordsOfficer || type == .publicRecordsRequest
    }
}
