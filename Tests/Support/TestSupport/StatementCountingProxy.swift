import Foundation
public import LedgerStore

#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let noSignal = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
private let noSignal: Int32 = 0
#endif

/// A TCP relay between clients and the test cluster that notes every SQL statement the clients
/// send through it, for tests that count round trips (e.g. "a page costs two statements
/// whatever its size") against the real PostgreSQL, and can withhold the server's replies
/// (``withholdReplies()``) for tests of a database that stops answering.
///
/// It reads the frontend protocol from the client side only: a `Bind` (extended protocol, the
/// text its `Parse` gave) or `Query` (simple protocol) message is one statement, its text kept in
/// order; a statement prepared once per connection counts on every run. The relay needs
/// a plain TCP connection: point a ``DatabaseURL`` with `sslmode=disable` (the tests' loopback
/// default) at ``port`` with ``url(for:)``. Bytes pass through unchanged. Stop it with ``stop()``
/// (or use ``with(to:_:)``): its threads keep it alive until then.
public final class StatementCountingProxy: @unchecked Sendable {
    /// The loopback port clients connect to.
    public let port: Int
    private let target: sockaddr_in
    private let listener: Int32
    private let lock = NSLock()
    private var texts: [String] = []
    private var open: Set<Int32> = []
    private var closed = false
    private var repliesWithheld = false
    private var dropped = 0

    /// Starts relaying to the TCP host and port of `url` (a loopback IPv4 address or `localhost`).
    /// - Throws: ``TestSetupError`` when `url` is a unix socket or the relay cannot listen.
    public init(to url: DatabaseURL) throws {
        guard url.unixSocketDirectory == nil, let host = url.host else {
            throw TestSetupError("the statement-counting proxy relays TCP only: the test cluster's URL names a unix socket")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(url.port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            throw TestSetupError("the statement-counting proxy needs an IPv4 address for the test cluster, not \(host)")
        }
        target = address
        (listener, port) = try Self.makeListener()
        Thread { [self] in acceptLoop() }.start()
    }

    /// Runs `body` with a relay to `url`, stopped afterwards.
    public static func with<T>(to url: DatabaseURL, _ body: (StatementCountingProxy) async throws -> T) async throws -> T {
        let proxy = try StatementCountingProxy(to: url)
        defer { proxy.stop() }
        return try await body(proxy)
    }

    /// The texts of the statements sent through the relay so far, in order.
    public var statements: [String] { lock.withLock { texts } }

    /// `url` with its host and port replaced by the relay's.
    public func url(for url: DatabaseURL) -> DatabaseURL {
        var relayed = url
        relayed.host = "127.0.0.1"
        relayed.port = port
        return relayed
    }

    /// The statements `body` sends through the relay (and any other client's sent meanwhile).
    public func statementsSent<T>(during body: () async throws -> T) async rethrows -> (result: T, statements: [String]) {
        let before = statements.count
        let result = try await body()
        return (result, Array(statements.dropFirst(before)))
    }

    /// From now on the relay still passes the clients' messages on, but drops the server's
    /// replies: every statement waits for an answer that never comes, as from a database that
    /// stopped answering without closing its connections. A connection the server closes is
    /// still closed.
    public func withholdReplies() {
        lock.withLock { repliesWithheld = true }
    }

    /// How many reads of the server's replies ``withholdReplies()`` has dropped: more than none
    /// means a statement sent before the replies stopped now waits for its answer too.
    public var droppedReplies: Int { lock.withLock { dropped } }

    /// Stops listening and cuts every relayed connection.
    public func stop() {
        let sockets: Set<Int32> = lock.withLock {
            guard !closed else { return [] }
            closed = true
            return open
        }
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        // The accept loop then fails and closes the listener.
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private static func makeListener() throws -> (Int32, Int) {
        let fd = socket(AF_INET, streamSocket, 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw TestSetupError("the statement-counting proxy cannot listen on loopback: errno \(errno)") }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED, !lock.withLock({ closed }) { continue }
                _ = close(listener)
                return
            }
            let server = socket(AF_INET, streamSocket, 0)
            var address = target
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            let admitted = lock.withLock {
                guard !closed, connected else { return false }
                open.formUnion([client, server])
                return true
            }
            guard admitted else {
                _ = close(client)
                _ = close(server)
                continue
            }
            Thread { [self] in relay(from: client, to: server, reading: true) }.start()
            Thread { [self] in relay(from: server, to: client, reading: false) }.start()
        }
    }

    /// Copies bytes until either side closes; `reading`: parse them as the frontend protocol.
    private func relay(from source: Int32, to destination: Int32, reading: Bool) {
        var parser = FrontendMessages()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            if reading {
                let found = parser.consume(buffer[0..<count])
                if !found.isEmpty { lock.withLock { texts += found } }
            } else if lock.withLock({ () -> Bool in
                guard repliesWithheld else { return false }
                dropped += 1
                return true
            }) {
                continue
            }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, count - sent, noSignal) }
                guard written > 0 else { break }
                sent += written
            }
            guard sent == count else { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
        let last = lock.withLock {
            open.remove(source)
            return !open.contains(destination)
        }
        if last {
            _ = close(source)
            _ = close(destination)
        }
    }
}

/// Splits the client side of the PostgreSQL protocol into messages and keeps the SQL of each
/// statement run: each `Bind` ('B': portal, then the statement's name), by the text its `Parse`
/// ('P': name, then the query) gave that name, and each `Query` ('Q': the query). A statement
/// prepared once per connection is parsed once and bound on every run.
private struct FrontendMessages {
    private var pending: [UInt8] = []
    /// The text of each parsed statement by its name ("" for the unnamed statement).
    private var parsed: [String: String] = [:]
    /// Before the startup message, messages have no type byte (SSL and GSS requests come first).
    private var startup = true

    mutating func consume(_ bytes: ArraySlice<UInt8>) -> [String] {
        pending += bytes
        var found: [String] = []
        var offset = 0
        while true {
            let header = startup ? 0 : 1
            guard pending.count - offset >= header + 4 else { break }
            let length = pending[(offset + header)..<(offset + header + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard length >= 4, pending.count - offset >= header + length else { break }
            let body = pending[(offset + header + 4)..<(offset + header + length)]
            if startup {
                let code = body.prefix(4).reduce(0) { $0 << 8 | Int($1) }
                // 80877103: SSLRequest, 80877104: GSSENCRequest; anything else is the startup message.
                if code != 80_877_103, code != 80_877_104 { startup = false }
            } else {
                switch pending[offset] {
                case UInt8(ascii: "P"):
                    let name = body.prefix { $0 != 0 }
                    let query = body.dropFirst(name.count + 1).prefix { $0 != 0 }
                    parsed[String(decoding: name, as: UTF8.self)] = String(decoding: query, as: UTF8.self)
                case UInt8(ascii: "B"):
                    let portal = body.prefix { $0 != 0 }
                    let name = String(decoding: body.dropFirst(portal.count + 1).prefix { $0 != 0 }, as: UTF8.self)
                    found.append(parsed[name] ?? "(statement \(name), parsed before the relay saw it)")
                case UInt8(ascii: "Q"):
                    found.append(String(decoding: body.prefix { $0 != 0 }, as: UTF8.self))
                default: break
                }
            }
            offset += header + length
        }
        pending.removeFirst(offset)
        return found
    }
}
