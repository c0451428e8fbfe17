import Crypto
import Foundation

/// The fake server's registered media and request counts.
actor GraphServerState {
    private var media: [String: RegisteredMedia] = [:]
    private var counts: [String: FakeMediaRequestCounts] = [:]
    private var failuresLeft: [String: Int] = [:]
    private var nextID = 1_000_000_000_000_001
    private var sendScripts: [String: [FakeSendAnswer]] = [:]
    private var defaultSendScript: [FakeSendAnswer] = []
    private var received: [FakeReceivedRequest] = []
    private var nextWamid = 1

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

    // MARK: Sends

    /// Queues answers for requests whose `to` (digits) or mark-as-read `message_id` is `key`;
    /// nil queues for every other request. Each answer is used once; then requests are accepted.
    func script(_ key: String?, _ answers: [FakeSendAnswer]) {
        if let key { sendScripts[key, default: []] += answers } else { defaultSendScript += answers }
    }

    /// The next answer for a request with `key`.
    func nextAnswer(for key: String?) -> FakeSendAnswer {
        if let key, var queue = sendScripts[key], !queue.isEmpty {
            let answer = queue.removeFirst()
            sendScripts[key] = queue
            return answer
        }
        if !defaultSendScript.isEmpty { return defaultSendScript.removeFirst() }
        return .accept()
    }

    func newWamid() -> String {
        defer { nextWamid += 1 }
        return "wamid.FAKE\(String(format: "%012d", nextWamid))"
    }

    func newMediaID() -> String {
        defer { nextID += 1 }
        return String(nextID)
    }

    func receive(_ request: FakeReceivedRequest) { received.append(request) }

    func receivedRequests() -> [FakeReceivedRequest] { received }
}
