// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "haven",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "haven", targets: ["haven"]),
        .executable(name: "haven-bench", targets: ["HavenBench"]),
        .library(name: "PostgresClient", targets: ["PostgresClient"]),
        .library(name: "OpenSSLTLS", targets: ["OpenSSLTLS"]),
        .library(name: "PasswordHashing", targets: ["PasswordHashing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Tests only: a second, independent TLS stack (BoringSSL) to check interoperability with.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // C bindings: system libraries found through pkg-config, plus shims for macros.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CArgon2",
            pkgConfig: "libargon2",
            providers: [.apt(["libargon2-dev"]), .brew(["argon2"])]
        ),
        .target(name: "COpenSSLShims", dependencies: ["COpenSSL"]),

        // Build-time embedding of SQL migrations and the OpenAPI document.
        .executableTarget(name: "EmbedFilesTool", swiftSettings: swiftSettings),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["EmbedFilesTool"]),

        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OpenSSLTLS",
            dependencies: [
                "COpenSSL", "COpenSSLShims",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "PasswordHashing", dependencies: ["CArgon2"], swiftSettings: swiftSettings),
        .target(
            name: "HavenSchema",
            dependencies: ["PostgresClient"],
            path: "Schema",
            swiftSettings: swiftSettings,
            plugins: ["EmbedFiles"]
        ),
        .target(
            name: "HavenCore",
            dependencies: ["PostgresClient", "PasswordHashing", "OpenSSLTLS", "HavenSchema",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings,
            plugins: ["EmbedFiles"]
        ),
        .target(
            name: "HavenAPI",
            dependencies: [
                "HavenCore", "OpenSSLTLS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedFiles"]
        ),
        .executableTarget(
            name: "haven",
            dependencies: [
                "HavenAPI", "HavenCore", "HavenSchema", "OpenSSLTLS", "PasswordHashing", "PostgresClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HavenTesting",
            dependencies: [
                "HavenAPI", "HavenCore", "HavenSchema", "OpenSSLTLS", "PasswordHashing", "PostgresClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "HavenBench",
            dependencies: [
                "HavenTesting", "HavenAPI", "HavenCore", "HavenSchema", "PasswordHashing", "PostgresClient", "OpenSSLTLS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "PostgresClientTests", dependencies: ["PostgresClient", "HavenTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OpenSSLTLSTests",
            dependencies: [
                "HavenTesting", "OpenSSLTLS", "PostgresClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PasswordHashingTests", dependencies: ["PasswordHashing"], swiftSettings: swiftSettings),
        .testTarget(name: "HavenCoreTests", dependencies: ["HavenCore", "HavenTesting", "OpenSSLTLS"], swiftSettings: swiftSettings),
        .testTarget(name: "HavenAPITests", dependencies: ["HavenAPI", "HavenTesting"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "HavenTests", dependencies: ["HavenCore", "HavenTesting", "OpenSSLTLS", "PostgresClient"], swiftSettings: swiftSettings),
    ]
)
