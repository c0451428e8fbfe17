import Foundation
import ServiceTestSupport
import Testing

/// The embedded default: `serve` with no database configured starts a private PostgreSQL under
/// RECORDKEEPER_DATA_DIR, migrates it, generates the master key, serves, and on SIGTERM stops
/// cleanly, cluster included.
@Suite("Embedded default", .timeLimit(.minutes(5)))
struct EmbeddedServeTests {
    @Test("serve without DATABASE_URL: healthy and ready, secrets in place, SIGTERM stops it and its cluster")
    func serveEmbedded() async throws {
        try await EmbeddedServe.run { serve in
            try await Self.exercise(serve.process, httpPort: serve.httpPort, dataDirectory: serve.dataDirectory, clusterDirectory: serve.clusterDirectory)
        }
    }

    private static func exercise(_ serve: ChildProcess, httpPort: Int, dataDirectory: URL, clusterDirectory: URL) async throws {
        let base = "http://127.0.0.1:\(httpPort)"

        // First start: initdb, start, migrate. Poll /healthz for up to 90 s.
        let health = try await waitForHTTP("\(base)/healthz", from: serve, within: .seconds(90))
        #expect(health.status == 200)
        #expect(try health.json(HealthBody.self).status == "ok")

        let ready = try await httpGet("\(base)/readyz")
        #expect(ready.status == 200, "\(String(decoding: ready.body, as: UTF8.self))")
        let readiness = try ready.json(ReadyBody.self)
        #expect(readiness.ready)
        #expect(readiness.database == "ok")
        #expect(readiness.pendingMigrations == [])

        // The generated secrets.
        let masterKey = dataDirectory.appendingPathComponent("master.key").path
        #expect(FileManager.default.fileExists(atPath: masterKey), "serve generates master.key in the data directory")
        if FileManager.default.fileExists(atPath: masterKey) {
            #expect(try permissions(of: masterKey) == 0o600)
        }
        var isDirectory: ObjCBool = false
        let secrets = dataDirectory.appendingPathComponent("secrets").path
        #expect(FileManager.default.fileExists(atPath: secrets, isDirectory: &isDirectory) && isDirectory.boolValue, "secrets/ exists")
        for name in ["owner.password", "service.password"] {
            let path = "\(secrets)/\(name)"
            #expect(FileManager.default.fileExists(atPath: path) && (try? permissions(of: path)) == 0o600, "\(name) exists with mode 0600")
        }
        #expect(EmbeddedCluster.hasPostmasterPID(clusterDirectory), "the embedded cluster runs while serve does")

        // SIGTERM: graceful stop, exit status 0, cluster stopped.
        serve.send(SIGTERM)
        let termination = try await serve.waitForExit(timeout: .seconds(60))
        #expect(termination == .exited(0), "serve ended with \(termination); stderr:\n\(serve.stderr)")
        #expect(!EmbeddedCluster.hasPostmasterPID(clusterDirectory), "serve must stop the cluster it started (postmaster.pid is still there)")
    }
}
