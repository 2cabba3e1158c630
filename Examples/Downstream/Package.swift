// swift-tools-version:6.1
// A project that uses GreenticTestKit in its own test target, as a downstream team would: it
// depends on the kit by path here (by URL and version in a real project).
import PackageDescription

let package = Package(
    name: "Downstream",
    dependencies: [
        .package(name: "GreenticTestKit", path: "../.."),
        // Only so that a test can import Hummingbird beside the kit (EveryStepKindTests).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .testTarget(
            name: "DownstreamTests",
            dependencies: [
                .product(name: "GreenticTestKit", package: "GreenticTestKit"),
                .product(name: "GreenticTestKitTesting", package: "GreenticTestKit"),
                .product(name: "GreenticTestKitXCTest", package: "GreenticTestKit"),
                .product(name: "ScenarioDSL", package: "GreenticTestKit"),
                .product(name: "GreenticFixtureServer", package: "GreenticTestKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
    ]
)
