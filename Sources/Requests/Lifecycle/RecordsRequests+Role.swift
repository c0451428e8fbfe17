public import Access

extension RecordsRequests {
    /// The role a member of staff works on requests as: admin when they are one, else request
    /// officer when they are one, else auditor (the access control lets only these through to
    /// the requests' routes and pages). The `/v1` handlers and the web pages both use it.
    public static func role(of principal: StaffPrincipal) -> StaffRole {
        principal.roles.contains(.admin) ? .admin : principal.roles.contains(.requestOfficer) ? .requestOfficer : .auditor
    }
}
