import TestGraphServer
import Testing
import WhatsApp

/// TLS for every remote connection; the token required and never shown.
@Suite("Graph API configuration")
struct GraphConfigurationTests {
    @Test("the default base URL is Meta's, over https")
    func defaults() throws {
        let configuration = try GraphAPIConfiguration(accessToken: "token")
        #expect(configuration.baseURL == "https://graph.facebook.com/v23.0")
    }

    @Test("plain http to a remote host is refused", arguments: ["http://graph.facebook.com/v23.0", "http://10.0.0.5:8080/v23.0", "HTTP://example.org"])
    func remoteHTTPRefused(url: String) {
        #expect {
            try GraphAPIConfiguration(baseURL: url, accessToken: "token")
        } throws: { error in
            guard case .insecureURL = error as? GraphConfigurationError else { return false }
            return true
        }
    }

    @Test("plain http to loopback is allowed", arguments: ["http://127.0.0.1:8080/v23.0/", "http://localhost/v23.0", "http://[::1]:9000/v23.0"])
    func loopbackAllowed(url: String) throws {
        let configuration = try GraphAPIConfiguration(baseURL: url, accessToken: "token")
        #expect(!configuration.baseURL.hasSuffix("/"))
    }

    @Test("not a URL, or another scheme, is refused", arguments: ["graph.facebook.com", "ftp://graph.facebook.com/v23.0", ""])
    func invalid(url: String) {
        #expect {
            try GraphAPIConfiguration(baseURL: url, accessToken: "token")
        } throws: { error in
            guard case .invalidURL = error as? GraphConfigurationError else { return false }
            return true
        }
    }

    @Test("an empty token is refused")
    func emptyToken() {
        #expect(throws: GraphConfigurationError.missingAccessToken) { try GraphAPIConfiguration(accessToken: "  ") }
    }

    @Test("the description does not show the token")
    func redacted() throws {
        let configuration = try GraphAPIConfiguration(accessToken: "EAAG-secret-token")
        #expect(!configuration.description.contains("EAAG-secret-token"))
        #expect(!String(reflecting: configuration).contains("EAAG-secret-token"))
    }

    @Test("a download URL over plain http to a remote host is refused before connecting; its query is not shown")
    func remoteDownloadRefused() async throws {
        try await TestGraphServer.with { graph in
            let error = await graphError {
                try await graphClient(graph).download(url: "http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&hash=secret", maxBytes: 100)
            }
            #expect(error?.kind == .invalidResponse)
            #expect(error?.description.contains("https") == true)
            #expect(error?.description.contains("hash=secret") == false)
            #expect(await graph.totalRequests() == 0)
        }
    }
}
