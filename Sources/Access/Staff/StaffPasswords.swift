import HummingbirdBcrypt
import NIOConcurrencyHelpers

/// Password hashing (bcrypt, from hummingbird-auth) and the names of staff secrets.
///
/// bcrypt reads a password as a C string of at most 72 bytes: it stops at the first NUL and
/// ignores whatever follows the 72nd byte. So a password with a NUL, or longer than 72 bytes, is
/// refused when it is set (it would not be what is checked), and can never match at sign-in
/// (a longer one is not taken for its 72-byte prefix, nor `abc\0…` for `abc`).
///
/// These functions run bcrypt on the calling thread: ``StaffDirectory`` calls them on its
/// ``PasswordWorkers``, never on a thread that serves requests.
enum StaffPasswords {
    /// Staff API tokens start with this.
    static let tokenPrefix = "rkt_"
    /// Session ids start with this.
    static let sessionPrefix = "rks_"

    /// bcrypt only reads the first 72 bytes of a password: a longer one would be silently cut.
    static let maximumBytes = 72
    static let minimumCharacters = 12

    /// Refuses a password that cannot be set.
    /// - Throws: ``StaffError/weakPassword(_:)``: shorter than 12 characters, longer than 72
    ///   bytes, with a NUL, or one of the commonest passwords (``CommonPasswords``).
    static func check(_ password: String) throws {
        guard password.count >= minimumCharacters else {
            throw StaffError.weakPassword("use at least \(minimumCharacters) characters (a passphrase of several words is easiest)")
        }
        guard password.utf8.count <= maximumBytes else { throw StaffError.weakPassword("use at most \(maximumBytes) bytes") }
        guard !password.utf8.contains(0) else {
            throw StaffError.weakPassword("a password may not contain a NUL character (bcrypt would ignore everything after it)")
        }
        guard !CommonPasswords.contains(password) else {
            throw StaffError.weakPassword("it is one of the most common passwords: use a passphrase of several unrelated words")
        }
    }

    /// The bcrypt hash of an acceptable password.
    /// - Throws: ``StaffError/weakPassword(_:)`` (``check(_:)``).
    static func hash(_ password: String, cost: UInt8) throws -> String {
        try check(password)
        return Bcrypt.hash(password, cost: cost)
    }

    /// Whether bcrypt could be asked about this password at all: at most 72 bytes and no NUL.
    /// Any other password matches no hash (without spending a bcrypt on it).
    static func isCheckable(_ password: String) -> Bool {
        password.utf8.count <= maximumBytes && !password.utf8.contains(0)
    }

    static func verify(_ password: String, hash: String) -> Bool {
        isCheckable(password) && Bcrypt.verify(password, hash: hash)
    }

    /// A bcrypt hash at `cost` to verify against when the user does not exist (or has no
    /// password), so that an unknown name costs exactly one bcrypt verification, as a wrong
    /// password does. Computed once per cost, on first use, and kept.
    static func decoy(cost: UInt8) -> String {
        decoys.withLockedValue { decoys in
            if let known = decoys[cost] { return known }
            let made = Bcrypt.hash("recordkeeper-decoy-password", cost: cost)
            decoys[cost] = made
            return made
        }
    }

    private static let decoys = NIOLockedValueBox<[UInt8: String]>([:])

    /// The ``SealedSecret`` purpose of a user's TOTP secret.
    static func totpPurpose(_ user: String) -> String { "staff-totp:\(user)" }
}
