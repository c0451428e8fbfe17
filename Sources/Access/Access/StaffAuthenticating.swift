/// Turns a presented credential into the staff member it belongs to. The staff directory
/// implements it; the server's access control asks it on every request. The directory reads the
/// database, or a short-lived cache that every change drops at once (``CredentialCache``), so a
/// revoked token or an ended session stops working at the next request.
public protocol StaffAuthenticating: Sendable {
    /// The principal of a staff API token (`rkt_…`); nil for an unknown, expired or revoked token.
    /// - Throws: a database error (the request is then refused: the caller cannot be told apart).
    func principal(forToken token: String) async throws -> StaffPrincipal?
    /// The principal of a browser session id (cookie `rk_session`); nil for an unknown or ended
    /// session.
    func principal(forSession id: String) async throws -> StaffPrincipal?
}
