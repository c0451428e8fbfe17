import Foundation
import ServiceTestSupport
import Testing

/// `serve` and `work` read their whole configuration before they start anything, and name every
/// variable that cannot be used at once.
@Suite("Configuration read before start")
struct ConfigurationCLITests {
    @Test("serve and work list every unusable variable, exit 1, and leave no embedded database behind", arguments: [["serve"], ["work"]])
    func everyProblemAtOnce(arguments: [String]) async throws {
        try await withTemporaryDirectory { work in
            let data = work.appendingPathComponent("data")
            let cli = try RecordkeeperCLI(
                workDirectory: work,
                environment: [
                    "RECORDKEEPER_DATA_DIR": data.path, "RECORDKEEPER_SESSION_HOURS": "999", "RECORDKEEPER_ANALYTICS_TIMEZONE": "Mars/Base",
                    "RECORDKEEPER_APPEND_CONNECTIONS": "0", "RECORDKEEPER_HTTP_PORT": "99999", "RECORDKEEPER_CHECKPOINT_POST_URL": "http://example.org/cp",
                    // `work` needs an external database; the configuration is read before it is reached.
                    "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
                ])
            let result = try await cli.run(arguments, overrides: arguments == ["serve"] ? ["DATABASE_URL": nil] : [:])
            #expect(result.exitCode == 1, "\(result.transcript)")
            for variable in [
                "RECORDKEEPER_SESSION_HOURS", "RECORDKEEPER_ANALYTICS_TIMEZONE", "RECORDKEEPER_APPEND_CONNECTIONS", "RECORDKEEPER_HTTP_PORT",
                "RECORDKEEPER_CHECKPOINT_POST_URL",
            ] {
                #expect(result.stderr.contains(variable), "\(variable) is named: \(result.stderr)")
            }
            #expect(result.stderr.contains("5 settings cannot be used"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data.path), "nothing was started: no embedded cluster was created")
        }
    }
}
