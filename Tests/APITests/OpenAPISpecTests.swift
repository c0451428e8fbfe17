import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RecordkeeperCore
import Server
import ServiceTestSupport
import TestSupport
import Testing
import WhatsApp

/// `Sources/API/openapi.yaml` is the one description of the HTTP API: `/openapi.json` serves it
/// converted, byte for byte, and every reader of the file sees the same document.
@Suite("OpenAPI spec file", .timeLimit(.minutes(5)))
struct OpenAPISpecTests {
    static var specFile: URL { TestEnvironment.repositoryRoot.appendingPathComponent("Sources/API/openapi.yaml") }

    static func specText() throws -> String {
        try String(contentsOf: specFile, encoding: .utf8)
    }

    @Test("info.version in openapi.yaml is the service's version")
    func version() throws {
        #expect(try OpenAPISpec.bundled().version == RecordkeeperServer.version)
        #expect(try OpenAPISpec(yaml: Self.specText()).version == RecordkeeperServer.version)
    }

    @Test("the shipped resource is the repository's openapi.yaml")
    func shippedResource() throws {
        #expect(try OpenAPISpec.bundled().json == OpenAPISpec(yaml: Self.specText()).json)
    }

    @Test("GET /openapi.json is byte for byte the file converted by OpenAPISpec")
    func servedIsTheFile() async throws {
        let expected = Array(try OpenAPISpec(yaml: Self.specText()).json.utf8)
        try await withMigratedDatabase { db in
            try await withConversationApp(db, token: SendAPITests.token) { app in
                let (status, body) = try await app.execute(uri: "/openapi.json", method: .get) { response in
                    (response.status, Array(response.body.readableBytesView))
                }
                #expect(status == .ok)
                #expect(body == expected)
                #expect(body.count > 100_000, "the whole document: \(body.count) bytes")
            }
        }
    }

    @Test(
        "PyYAML's safe_load of openapi.yaml is the same JSON value as the served document",
        .enabled(if: OpenAPIValidatorEnvironment.runs, OpenAPIValidatorEnvironment.skipReason))
    func pythonReadsTheSameDocument() async throws {
        let served = try await withMigratedDatabase { db in
            try await withConversationApp(db, token: SendAPITests.token) { app in
                try await app.execute(uri: "/openapi.json", method: .get) { Array($0.body.readableBytesView) }
            }
        }
        try await withTemporaryDirectory { work in
            let documentFile = work.appendingPathComponent("openapi.json")
            try Data(served).write(to: documentFile)
            let result = try await OpenAPIValidatorEnvironment.check(["same-as-yaml", documentFile.path, Self.specFile.path], in: work)
            #expect(result.ok, "\(result.output)")
            #expect(result.output.hasPrefix("OK"), "\(result.output)")
            // The check can fail: a changed value is found.
            let changed = String(decoding: served, as: UTF8.self).replacingOccurrences(of: "\"openapi\" : \"3.1.0\"", with: "\"openapi\" : \"3.1.1\"")
            #expect(changed.utf8.count == served.count && Array(changed.utf8) != served)
            try Data(changed.utf8).write(to: documentFile)
            let refused = try await OpenAPIValidatorEnvironment.check(["same-as-yaml", documentFile.path, Self.specFile.path], in: work)
            #expect(!refused.ok && refused.output.contains("/openapi"), "\(refused.output)")
        }
    }

    @Test("documentedMethods matches path templates, the most literal one winning")
    func documentedMethods() throws {
        let spec = try OpenAPISpec.bundled()
        #expect(spec.documentedMethods(forPath: "/v1/conversations/abc/messages") == ["GET", "POST"])
        #expect(spec.documentedMethods(forPath: "/v1/session") == ["DELETE", "GET", "POST"])
        #expect(spec.documentedMethods(forPath: "/v1/conversations//messages") == nil)
        #expect(spec.documentedMethods(forPath: "/v1/nothing-here") == nil)
    }

    @Test("a broken description is refused with an error that says what and where")
    func brokenDescriptions() throws {
        func refusal(_ yaml: String) -> String? {
            do {
                _ = try OpenAPISpec(yaml: yaml)
                return nil
            } catch {
                return error.description
            }
        }
        let valid = "openapi: 3.1.0\ninfo:\n  title: t\n  version: 1.2.3\npaths: {}\n"
        #expect(refusal(valid) == nil)
        #expect(try JSONValue.parse(Array(OpenAPISpec(yaml: valid).json.utf8))["info"]?.text("version") == "1.2.3")
        #expect(refusal("openapi: [3.1.0\n")?.contains("not valid YAML") == true)
        #expect(refusal("openapi: 3.1.0\ninfo:\n  title: t\npaths: {}\n")?.contains("info.version") == true)
        #expect(refusal("openapi: 3.0.3\ninfo:\n  version: '1'\npaths: {}\n")?.contains("3.1") == true)
        #expect(refusal(valid + "openapi: 3.1.1\n")?.contains("'openapi'") == true)
        #expect(
            refusal(valid.replacingOccurrences(of: "title: t", with: "title: 2026-12-06")).map { $0.contains("/info/title") && $0.contains("timestamp") }
                == true)
        #expect(refusal("") != nil)
    }
}
