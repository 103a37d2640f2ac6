// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "OneCall",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "onecall", targets: ["onecall"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
    ],
    targets: [
        .target(
            name: "OneCallCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallMQTT",
            dependencies: [
                "OneCallCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "COneCallReactor"
        ),
        .target(
            name: "OneCallBroker",
            dependencies: [
                "OneCallCore",
                "OneCallMQTT",
                "COneCallReactor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallSimulator",
            dependencies: [
                "OneCallCore",
                "OneCallMQTT",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallRules",
            dependencies: ["OneCallCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallShadow",
            dependencies: ["OneCallCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallStorage",
            dependencies: ["OneCallCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallStorageSQLite",
            dependencies: [
                "OneCallCore",
                "OneCallStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallAnomaly",
            dependencies: ["OneCallCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallKnowledge",
            dependencies: ["OneCallCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallAgent",
            dependencies: [
                "OneCallCore",
                "OneCallKnowledge",
                "OneCallStorage",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallContactCenter",
            dependencies: [
                "OneCallCore",
                "OneCallStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallChat",
            dependencies: ["OneCallCore", "OneCallKnowledge", "OneCallStorage"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallSIP",
            dependencies: [
                "OneCallCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallMail",
            dependencies: [
                "OneCallCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallHTTP",
            dependencies: [
                "OneCallCore",
                "OneCallChat",
                "OneCallBroker",
                "OneCallStorage",
                "OneCallAgent",
                "OneCallKnowledge",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneCallApp",
            dependencies: [
                "OneCallCore",
                "OneCallMQTT",
                "OneCallBroker",
                "OneCallHTTP",
                "OneCallRules",
                "OneCallShadow",
                "OneCallSimulator",
                "OneCallStorage",
                "OneCallStorageSQLite",
                "OneCallAgent",
                "OneCallAnomaly",
                "OneCallKnowledge",
                "OneCallMail",
                "OneCallContactCenter",
                "OneCallSIP",
                "OneCallChat",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "onecall",
            dependencies: [
                "OneCallApp",
                "OneCallAgent",
                "OneCallAnomaly",
                "OneCallContactCenter",
                "OneCallKnowledge",
                "OneCallMail",
                "OneCallSimulator",
                "OneCallMQTT",
                "OneCallCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "onecall-bench-triage",
            dependencies: [
                "OneCallApp", "OneCallAgent", "OneCallCore", "OneCallMQTT", "OneCallStorage", "OneCallStorageSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/TriageBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "onecall-bench-anomaly",
            dependencies: [
                "OneCallApp", "OneCallAnomaly", "OneCallCore", "OneCallMQTT", "OneCallSimulator", "OneCallStorage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/AnomalyBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "onecall-bench-calls",
            dependencies: [
                "OneCallApp", "OneCallCore", "OneCallMQTT", "OneCallSIP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/CallBenchmark",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "OneCallCoreTests", dependencies: ["OneCallCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OneCallMQTTTests",
            dependencies: ["OneCallMQTT", "OneCallCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OneCallBrokerTests",
            dependencies: [
                "OneCallBroker", "OneCallMQTT", "OneCallCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OneCallSimulatorTests", dependencies: ["OneCallSimulator", "OneCallCore", "OneCallMQTT"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "OneCallRulesTests", dependencies: ["OneCallRules", "OneCallCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OneCallShadowTests", dependencies: ["OneCallShadow", "OneCallCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OneCallStorageTests",
            dependencies: ["OneCallStorage", "OneCallStorageSQLite", "OneCallCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OneCallAnomalyTests", dependencies: ["OneCallAnomaly", "OneCallCore", "OneCallSimulator"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "OneCallKnowledgeTests", dependencies: ["OneCallKnowledge", "OneCallCore"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "OneCallAgentTests",
            dependencies: [
                "OneCallAgent", "OneCallKnowledge", "OneCallCore", "OneCallStorage", "OneCallStorageSQLite",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OneCallContactCenterTests",
            dependencies: ["OneCallContactCenter", "OneCallCore", "OneCallStorage", "OneCallStorageSQLite"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OneCallChatTests",
            dependencies: ["OneCallChat", "OneCallCore", "OneCallKnowledge", "OneCallStorage", "OneCallStorageSQLite"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OneCallSIPTests",
            dependencies: [
                "OneCallSIP", "OneCallCore", "OneCallContactCenter", "OneCallApp", "OneCallMQTT", "OneCallSimulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OneCallMailTests",
            dependencies: [
                "OneCallMail", "OneCallCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OneCallAppTests",
            dependencies: [
                "OneCallApp", "OneCallBroker", "OneCallMQTT", "OneCallCore", "OneCallShadow", "OneCallSimulator",
                "OneCallStorage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings
        ),
    ]
)
