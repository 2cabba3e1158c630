// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "GreenticTestKit",
    products: [
        .library(name: "GreenticTestKit", targets: ["GreenticTestKit"]),
        .library(name: "GreenticTestKitTesting", targets: ["GreenticTestKitTesting"]),
        .library(name: "GreenticTestKitXCTest", targets: ["GreenticTestKitXCTest"]),
        .library(name: "ScenarioDSL", targets: ["ScenarioDSL"]),
        .library(name: "Simulators", targets: ["Simulators"]),
        .library(name: "GreenticSessions", targets: ["GreenticSessions"]),
        .library(name: "GreenticFixtureServer", targets: ["GreenticFixtureServer"]),
        .executable(name: "greentic-integration", targets: ["greentic-integration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "CProcessSpawn"),
        .target(
            name: "GreenticTestKit",
            dependencies: [
                "CLibPQ",
                "CProcessSpawn",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            // The one prerequisite list, also read by scripts/install-deps.sh.
            resources: [.embedInCode("Prerequisites/prerequisites.tsv")]
        ),
        .target(
            name: "GreenticTestKitTesting",
            dependencies: ["GreenticTestKit"]
        ),
        // XCTest users' honest outcomes, kept out of the core so it never imports XCTest.
        .target(
            name: "GreenticTestKitXCTest",
            dependencies: ["GreenticTestKit"]
        ),
        .target(
            name: "ScenarioDSL",
            dependencies: [
                "GreenticTestKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Sessions (model and stores) and the Redis client: below both the fixture server and the
        // simulators, so neither imports the other.
        .target(
            name: "GreenticSessions",
            dependencies: [
                "GreenticTestKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The JSON error contract every HTTP surface speaks (error bodies, 404/405/413 as JSON):
        // below both the fixture server and the runner simulator, so they answer alike.
        .target(
            name: "GreenticHTTP",
            dependencies: [
                "GreenticTestKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Simulators",
            dependencies: [
                "GreenticTestKit",
                "ScenarioDSL",
                "GreenticSessions",
                "GreenticHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .target(
            name: "GreenticFixtureServer",
            dependencies: [
                "GreenticTestKit",
                "GreenticSessions",
                "GreenticHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "greentic-integration",
            dependencies: [
                "GreenticTestKit",
                "ScenarioDSL",
                "Simulators",
                "GreenticSessions",
                "GreenticFixtureServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "GreenticTestKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/Support"
        ),
        .executableTarget(
            name: "greentic-bench",
            dependencies: [
                "GreenticSessions",
                "GreenticTestKit",
                "ScenarioDSL",
                "GreenticFixtureServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/greentic-bench",
            // The baselines' sources, built by `greentic-bench nats` in the same run.
            resources: [
                .embedInCode("Baselines/floor.c"), .embedInCode("Baselines/natsgo.go"), .embedInCode("Baselines/nats_py.py"),
            ]
        ),
        .testTarget(
            name: "L0",
            dependencies: [
                "TestSupport", "GreenticTestKit", "GreenticTestKitTesting", "ScenarioDSL", "Simulators", "GreenticSessions", "GreenticFixtureServer", "GreenticHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Tests/L0"
        ),
        .testTarget(
            name: "L1",
            dependencies: [
                "TestSupport", "GreenticTestKit", "GreenticTestKitTesting", "ScenarioDSL", "Simulators", "GreenticSessions", "GreenticFixtureServer",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/L1"
        ),
        .testTarget(
            name: "L2",
            dependencies: ["TestSupport", "GreenticTestKit", "GreenticTestKitTesting", "ScenarioDSL", "Simulators", "GreenticSessions", "GreenticFixtureServer"],
            path: "Tests/L2"
        ),
    ]
)
