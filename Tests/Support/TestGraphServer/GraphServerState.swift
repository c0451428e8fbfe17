import Crypto
import Foundation

/// The fake server's registered media and request counts.
actor GraphServerState {
    private var media: [String: RegisteredMedia] = [:]
    private var counts: [String: FakeMediaRequestCounts] = [:]
    private var failuresLeft: [String: Int] = [:]
    private var nextID = 1_000_000_000_000_001

    func register(id: String?, bytes: [UInt8], mimeType: String, behaviour: FakeMediaBehaviour, downloadURL: @Sendable (String) -> String) -> RegisteredMedia {
        let mediaID: String
        if let id {
            mediaID = id
        } else {
            mediaID = String(nextID)
            nextID += 1
        }
        var announced = Array(SHA256.hash(data: bytes))
        if behaviour == .wrongHash { announced = Array(SHA256.hash(data: announced)) }
        let registered = RegisteredMedia(
            id: mediaID, bytes: bytes, mimeType: mimeType,
            sha256Base64: Data(announced).base64EncodedString(),
            sha256Hex: announced.map { String(format: "%02x", $0) }.joined(),
            url: downloadURL(mediaID), behaviour: behaviour
        )
        media[mediaID] = registered
        if case let .failing(times) = behaviour { failuresLeft[mediaID] = times }
        return registered
    }

    func lookup(_ id: String) -> RegisteredMedia? { media[id] }

    enum RequestKind { case metadata, download, unauthorized }

    func count(_ kind: RequestKind, for id: String) {
        switch kind {
        case .metadata: counts[id, default: .init()].metadata += 1
        case .download: counts[id, default: .init()].download += 1
        case .unauthorized: counts[id, default: .init()].unauthorized += 1
        }
    }

    func counts(for id: String) -> FakeMediaRequestCounts { counts[id] ?? .init() }

    func total() -> Int { counts.values.reduce(0) { $0 + $1.metadata + $1.download + $1.unauthorized } }

    /// Whether this request should fail (for ``FakeMediaBehaviour/failing(times:)``); uses one up.
    func takeFailure(for id: String) -> Bool {
        guard let left = failuresLeft[id], left > 0 else { return false }
        failuresLeft[id] = left - 1
        return true
    }
}
