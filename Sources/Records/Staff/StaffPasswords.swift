import HummingbirdBcrypt

/// Password hashing (bcrypt, from hummingbird-auth) and the names of staff secrets.
enum StaffPasswords {
    /// Staff API tokens start with this.
    static let tokenPrefix = "rkt_"
    /// Session ids start with this.
    static let sessionPrefix = "rks_"

    /// bcrypt only reads the first 72 bytes of a password: a longer one would be silently cut.
    static let maximumBytes = 72
    static let minimumCharacters = 12

    /// The bcrypt hash of an acceptable password.
    /// - Throws: ``StaffError/weakPassword(_:)``.
    static func hash(_ password: String, cost: UInt8) throws -> String {
        guard password.count >= minimumCharacters else {
            throw StaffError.weakPassword("use at least \(minimumCharacters) characters (a passphrase of several words is easiest)")
        }
        guard password.utf8.count <= maximumBytes else { throw StaffError.weakPassword("use at most \(maximumBytes) bytes") }
        return Bcrypt.hash(password, cost: cost)
    }

    static func verify(_ password: String, hash: String) -> Bool {
        password.utf8.count <= maximumBytes && Bcrypt.verify(password, hash: hash)
    }

    /// A bcrypt hash to verify against when the user does not exist, so that an unknown name
    /// takes as long as a wrong password.
    static func decoy(cost: UInt8) -> String { Bcrypt.hash("recordkeeper-decoy-password", cost: cost) }

    /// The ``SealedSecret`` purpose of a user's TOTP secret.
    static func totpPurpose(_ user: String) -> String { "staff-totp:\(user)" }
}
