import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RecordkeeperCore
import WhatsApp

/// A stand-in for Meta's Graph API `POST /{version}/{phone-number-id}/messages`, on loopback, for
/// `recordkeeper bench send`: it reads each message and accepts it at once with Meta's success
/// answer (`messaging_product`, `contacts[{input, wa_id}]`, `messages[{id}]`, a new wamid each),
/// so the benchmark measures Recordkeeper, not Meta. It counts what it received.
enum BenchGraphServer {
    /// The application; `received` counts the messages it answered.
    static func application(
        run: String, received: NIOLockedValueBox<Int>, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.post(":version/:phone/messages") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let to = (try? JSONValue.parse(Array(body.readableBytesView)))?.text("to") ?? ""
            let number = received.withLockedValue { count -> Int in
                count += 1
                return count
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: answer(to: to, wamid: "wamid.BENCH.\(run).\(number)"))))
        }
        var quiet = logger
        quiet.logLevel = .warning
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { await onServerRunning($0.localAddress?.port ?? 0) }, logger: quiet)
    }

    /// Meta's answer to an accepted message (`to` keeps only its digits, as `wa_id` does).
    static func answer(to: String, wamid: String) -> String {
        let digits = String(to.filter(\.isNumber))
        return #"{"messaging_product":"whatsapp","contacts":[{"input":"\#(digits)","wa_id":"\#(digits)"}],"messages":[{"id":"\#(wamid)"}]}"#
    }
}
