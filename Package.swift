// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // Zero warnings, enforced: a warning in our code fails the build (dependencies are not affected).
    .treatAllWarnings(as: .error),
]

/// What the service's test tiers (APITests, CLITests, EndToEndTests) and their support target use.
let serviceTestDependencies: [Target.Dependency] = [
    "LoopbackHTTP",
    "API", "Server", "LedgerStore", "SchemaMigrator", "Ledger", "LocalTSA", "RecordkeeperCore", "Events", "Classification", "Access", "Messaging",
    "Inbox",
    "Checkpoints", "Workers", "WhatsApp", "WebhookRelay", "TestGraphServer", "TestSupport",
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "HummingbirdTesting", package: "hummingbird"),
    .product(name: "PostgresNIO", package: "postgres-nio"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
    .product(name: "Crypto", package: "swift-crypto"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
]

let package = Package(
    name: "recordkeeper",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "recordkeeper", targets: ["recordkeeper"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "LedgerStore", targets: ["LedgerStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        // Pure ledger format: encoding, hashing, commitments, payload crypto, offline verification.
        .target(
            name: "Ledger",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Reads by key whose plans PostgreSQL keeps, on a pool of steered sessions.
        .target(
            name: "KeyLookups",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL access: migrations, group-commit append, reads, keys, online verification.
        .target(
            name: "LedgerStore",
            dependencies: [
                "Ledger", "RecordkeeperCore", "KeyLookups",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The schema: numbered SQL migrations applied by the owner, the service role's grants.
        .target(
            name: "SchemaMigrator",
            dependencies: [
                "Ledger", "LedgerStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // WhatsApp Cloud API: webhook authentication and model, Graph API client. Never writes
        // to the database.
        .target(
            name: "WhatsApp",
            dependencies: [
                "RecordkeeperCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WhatsAppTests",
            dependencies: [
                "WhatsApp", "RecordkeeperCore", "TestGraphServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // Test support: a Hummingbird router served on loopback for the duration of a test.
        .target(
            name: "LoopbackHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/Support/LoopbackHTTP",
            swiftSettings: swiftSettings
        ),
        // Test support: a fake Graph API (media metadata and downloads) on loopback.
        .target(
            name: "TestGraphServer",
            dependencies: [
                "LoopbackHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/Support/TestGraphServer",
            swiftSettings: swiftSettings
        ),
        // libzstd for compressing stored media (and, later, export bundles).
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .target(
            name: "Zstd",
            dependencies: ["CZstd"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ZstdTests",
            dependencies: ["Zstd"],
            swiftSettings: swiftSettings
        ),
        // Public-records export bundles (.tar.zst) and their offline verification; handed rows and
        // proofs, never SQL (docs/export-format.md).
        .target(
            name: "Exports",
            dependencies: [
                "Ledger", "Zstd", "RecordkeeperCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ExportsTests",
            dependencies: [
                "Exports", "Ledger", "Zstd",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // Small shared value types: JSON values and text, hex.
        .target(
            name: "RecordkeeperCore",
            swiftSettings: swiftSettings
        ),
        // The event catalog: every event type, and the retained headers that modules read of each other's events.
        .target(
            name: "Events",
            dependencies: [
                "Ledger", "LedgerStore", "RecordkeeperCore",
            ],
            swiftSettings: swiftSettings
        ),
        // Sensitive-data detectors and categories, the classifier worker and its projection.
        .target(
            name: "Classification",
            dependencies: [
                "Events", "Ledger", "LedgerStore", "RecordkeeperCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Staff, roles, clearance, sessions, tokens, TOTP, integrations, the access log.
        .target(
            name: "Access",
            dependencies: [
                "Events", "Classification", "Ledger", "LedgerStore", "RecordkeeperCore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The channel to the record: ingest, media archiving, outbound sending and the dispatcher, the
        // Graph proxy, the conversations read model (the webhook relay is `WebhookRelay`).
        .target(
            name: "Messaging",
            dependencies: [
                "Events", "Access", "Classification", "WhatsApp", "Ledger", "LedgerStore", "KeyLookups", "RecordkeeperCore", "Zstd",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The webhook relay: forwards Meta's deliveries to downstream systems (relay configuration,
        // the `relay_queue` projection and its queue, the relay service).
        .target(
            name: "WebhookRelay",
            dependencies: [
                "Events", "WhatsApp", "Ledger", "LedgerStore", "RecordkeeperCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Team work: the inbox (routing, assignment, states, notes, unread), automation, analytics, search.
        .target(
            name: "Inbox",
            dependencies: [
                "Messaging", "Access", "Classification", "Events", "Ledger", "LedgerStore", "RecordkeeperCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Retention: the schedule catalog, the records and their filing, legal holds
        // (docs/records-officer.md).
        .target(
            name: "Retention",
            dependencies: [
                "Events", "LedgerStore", "Ledger", "RecordkeeperCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Disposition: eligibility, disposition lists and approval, destruction through the
        // database door, its certificate and audit (docs/records-officer.md, docs/auditing.md).
        .target(
            name: "Disposition",
            dependencies: [
                "Retention", "Events", "LedgerStore", "Ledger", "RecordkeeperCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RetentionTests",
            dependencies: ["Retention", "Disposition"],
            swiftSettings: swiftSettings
        ),
        // The demo data: three short conversations between citizens and a city.
        .target(
            name: "DemoData",
            dependencies: ["Events", "Ledger", "LedgerStore", "Messaging", "RecordkeeperCore", "WhatsApp"],
            swiftSettings: swiftSettings
        ),
        // Deadlines in business days: civil days in a time zone, holiday calendars (Washington's
        // shipped), the public-records response clock with its explanation (docs/public-records.md).
        .target(
            name: "Deadlines",
            dependencies: ["RecordkeeperCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeadlinesTests",
            dependencies: ["Deadlines"],
            swiftSettings: swiftSettings
        ),
        // Public-records requests: the request lifecycle as events, searches with their logs and
        // holds, redactions, installments, the request log (docs/public-records.md).
        .target(
            name: "Requests",
            dependencies: [
                "Access", "Classification", "Deadlines", "Events", "LedgerStore", "Ledger", "RecordkeeperCore", "Messaging", "Exports", "Inbox",
                "Retention", "ExportSources",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reads what an export bundle holds from the database: ledger rows, opened payloads and
        // salts, inclusion proofs against a signed checkpoint, media (for `Exports`).
        .target(
            name: "ExportSources",
            dependencies: [
                "Access", "Events", "Exports", "LedgerStore", "Ledger", "Messaging", "RecordkeeperCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Transfer packages: an approved transfer list's records as an export bundle with the
        // archives' metadata (docs/records-officer.md, "Transfer lists").
        .target(
            name: "Transfers",
            dependencies: [
                "Disposition", "Retention", "ExportSources", "Exports", "Events", "LedgerStore", "Ledger", "RecordkeeperCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fast tier of Requests: search filters, exemption lists, redaction suggestions, the
        // request log (no database).
        .testTarget(
            name: "RequestsTests",
            dependencies: ["Requests", "Deadlines"],
            swiftSettings: swiftSettings
        ),
        // When to checkpoint, publishing sinks, trusted timestamps.
        .target(
            name: "Checkpoints",
            dependencies: [
                "Ledger", "LedgerStore", "RecordkeeperCore", "Timestamping",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The background workers of one process (`recordkeeper work`, or beside HTTP in `serve`).
        .target(
            name: "Workers",
            dependencies: [
                "Checkpoints", "Disposition", "Retention", "Inbox", "Messaging", "Access", "Classification", "Events", "WhatsApp", "LedgerStore",
                "RecordkeeperCore", "Requests", "WebhookRelay",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support shared by the database test targets: the one fresh-database fixture
        // (`ScratchDatabase`), the one polling helper (`eventually`), WhatsApp event fixtures.
        .target(
            name: "TestSupport",
            dependencies: [
                "Ledger", "LedgerStore", "SchemaMigrator",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DomainTests",
            dependencies: [
                "RecordkeeperCore", "Events", "Classification", "Access", "Messaging", "Inbox", "LedgerStore", "KeyLookups", "Ledger", "WhatsApp", "Zstd",
                "Retention", "Disposition", "Requests", "Exports", "ExportSources", "Deadlines", "Transfers",
                "TestGraphServer",
                "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fast tier: pure unit tests of the domain modules, no database (scripts/test.sh --fast).
        .testTarget(
            name: "ClassificationTests",
            dependencies: ["Classification", "LedgerStore", "RecordkeeperCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AccessTests",
            dependencies: ["Access"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: ["Messaging", "Ledger", "LedgerStore", "RecordkeeperCore", "WhatsApp", "WebhookRelay", "Zstd"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InboxUnitTests",
            dependencies: ["Inbox", "RecordkeeperCore"],
            swiftSettings: swiftSettings
        ),
        // The event catalog: unique, well-formed type strings, and docs/events.md as generated.
        .testTarget(
            name: "EventsTests",
            dependencies: ["Events", "Ledger", "LedgerStore"],
            swiftSettings: swiftSettings
        ),
        // OpenSSL (libssl/libcrypto) for RFC 3161 timestamps: swift-crypto has no TS API.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // RFC 3161 Time-Stamp Protocol client and token verification.
        .target(
            name: "Timestamping",
            dependencies: [
                "COpenSSL",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API: its one description, openapi.yaml (a resource, served as /openapi.json),
        // the types and server interface generated from it, and the `/v1` handlers over the
        // domain modules (no Hummingbird: `Server` mounts them on its router).
        .target(
            name: "API",
            dependencies: [
                "Access", "Classification", "Deadlines", "Disposition", "Inbox", "Ledger", "LedgerStore", "Messaging", "RecordkeeperCore",
                "Requests", "Retention",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings,
            // The /v1 operations' types and server interface, generated from openapi.yaml.
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The Hummingbird application: router, access control, the hand-written routes, the
        // `/v1` operations of `API` mounted on it, health, lifecycle.
        .target(
            name: "Server",
            dependencies: [
                "API", "Ledger", "LedgerStore", "KeyLookups", "SchemaMigrator",
                "RecordkeeperCore", "Events", "Classification", "Access", "Messaging", "Inbox",
                "WhatsApp", "Web", "WebFoundation", "Requests", "WebhookRelay",
                "Timestamping",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web application as `Server` mounts it: every page route (sign-in, home and account
        // here; the areas' pages from their modules), registered through the gate. Its README
        // says how the web modules fit and how to add a page.
        .target(
            name: "Web",
            dependencies: [
                "Access", "WebFoundation", "WebTeamPages", "WebRecordsPages", "WebAdminPages",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // The pages' framework: the application value (`WebApplication`), the page table and its
        // gate (session, CSRF, `AccessPolicy`), the renderer, forms, and the swift-mustache
        // templates and static files of every page (resources); calls the same domain modules as `API`.
        .target(
            name: "WebFoundation",
            dependencies: [
                "Access", "LedgerStore", "Messaging", "Requests",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.copy("Templates"), .copy("Static")],
            swiftSettings: swiftSettings
        ),
        // The team's pages: inbox, conversations (reply, files, assignment, notes), classification,
        // and the supervisor's routing, analytics, automation and assignments.
        .target(
            name: "WebTeamPages",
            dependencies: [
                "WebFoundation", "Access", "Classification", "Inbox", "LedgerStore", "Messaging", "RecordkeeperCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The records pages: the records officer's retention pages and the public-records requests.
        .target(
            name: "WebRecordsPages",
            dependencies: [
                "WebFoundation", "Access", "Deadlines", "Disposition", "Messaging", "Requests", "Retention",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The administration pages (staff, tokens, integrations, relays) and the auditor's pages.
        .target(
            name: "WebAdminPages",
            dependencies: [
                "WebFoundation", "Access", "Ledger", "LedgerStore", "Messaging", "Requests", "WebhookRelay",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fast tier of Web: templates, CSRF tokens, the page table and its access (no database).
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "WebFoundation", "WebTeamPages", "Access", "LedgerStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web pages over loopback HTTP with a real database (and, in Browser*.swift, a real
        // browser).
        .testTarget(
            name: "WebPageTests",
            dependencies: serviceTestDependencies + ["ServiceTestSupport", "WebFoundation", "Retention", "Disposition"],
            swiftSettings: swiftSettings
        ),
        // What both executables need to run: configuration from the environment, the embedded
        // PostgreSQL default, database clients, terminal and JSON output, secret files.
        .target(
            name: "RecordkeeperRuntime",
            dependencies: [
                "Ledger", "LedgerStore", "SchemaMigrator", "RecordkeeperCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The records officer's `recordkeeper retention …` commands (docs/records-officer.md): a
        // library the executable lists among its subcommands.
        .target(
            name: "RetentionCommands",
            dependencies: [
                "Access", "Disposition", "LedgerStore", "RecordkeeperCore", "RecordkeeperRuntime", "Retention", "Transfers", "Workers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "recordkeeper",
            dependencies: [
                "API",
                "Deadlines",
                "DemoData",
                "KeyLookups",
                "Ledger",
                "LedgerStore",
                "SchemaMigrator",
                "RecordkeeperCore", "Events", "Classification", "Access", "Messaging", "Inbox", "Checkpoints", "Workers",
                "RecordkeeperRuntime", "Retention", "Disposition", "Requests", "Exports", "ExportSources", "RetentionCommands",
                "Server",
                "Timestamping",
                "WhatsApp",
                "WebhookRelay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks (`swift run -c release recordkeeper-bench …`, docs/benchmarks.md): not a
        // product, never installed. Creates and drops its own baseline schema.
        .executableTarget(
            name: "recordkeeper-bench",
            dependencies: [
                "Ledger", "LedgerStore", "KeyLookups", "SchemaMigrator", "RecordkeeperCore", "Events", "Classification", "Access", "Messaging", "Inbox",
                "Checkpoints", "Workers",
                "RecordkeeperRuntime", "Retention", "Disposition", "Server", "WhatsApp", "Requests", "Exports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Ledger"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: [
                "Ledger", "LedgerStore", "SchemaMigrator", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support of the API, CLI and end-to-end tiers: the application over a test database
        // (`withConversationApp`, `withRecordkeeperApp`), test staff, webhook deliveries, the
        // `recordkeeper` executable as a child process, the embedded cluster.
        .target(
            name: "ServiceTestSupport",
            dependencies: serviceTestDependencies,
            path: "Tests/Support/ServiceTestSupport",
            swiftSettings: swiftSettings
        ),
        // The API tier: the HTTP application in process, on a test database.
        .testTarget(
            name: "APITests",
            dependencies: serviceTestDependencies + ["ServiceTestSupport", "Retention", "Disposition", "Deadlines"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // The CLI tier: `recordkeeper` (and `recordkeeper-bench`) run as child processes.
        .testTarget(
            name: "CLITests",
            dependencies: serviceTestDependencies + ["ServiceTestSupport"],
            swiftSettings: swiftSettings
        ),
        // The end-to-end tier: `serve` and `work` processes driven by real clients (pywa,
        // schemathesis) and restarts.
        .testTarget(
            name: "EndToEndTests",
            dependencies: serviceTestDependencies + ["ServiceTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // Test support: a throwaway PKI and an RFC 3161 TSA on loopback answered by `openssl ts`.
        // Only test targets depend on it.
        .target(
            name: "LocalTSA",
            dependencies: [
                "LoopbackHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/Support/LocalTSA",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TimestampingTests",
            dependencies: [
                "Timestamping", "LocalTSA",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
