/// Why a projection could not be run, with a message a user can act on.
public enum ProjectionError: Error, CustomStringConvertible, Sendable {
    /// No projection of this name is known to this build.
    case unknownProjection(String, known: [String])
    /// The stored state was written by a newer build (a higher version): this one must not touch it.
    case newerVersionStored(projection: String, ledger: String, stored: Int, known: Int)

    public var description: String {
        switch self {
        case .unknownProjection(let name, let known):
            "there is no projection named '\(name)'; known projections: \(known.joined(separator: ", "))"
        case .newerVersionStored(let projection, let ledger, let stored, let known):
            "projection \(projection) of ledger \(ledger) was built by a newer recordkeeper (version \(stored); this build knows \(known)): upgrade this process instead of rebuilding"
        }
    }
}
