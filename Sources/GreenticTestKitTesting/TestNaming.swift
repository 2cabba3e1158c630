import Foundation
import GreenticTestKit
import Synchronization
import Testing

/// Names a test's folder after its suite and function (`Suite_test`).
enum TestNaming {
    static func name(of test: Test) -> String {
        // The id reads "Module.Suite/test(args:)/File.swift:12:3": keep the suite and test.
        let id = String(describing: test.id)
        let parts = id.split(separator: "/").filter { !$0.contains(".swift:") }
        let joined = parts.joined(separator: "_")
        let withoutModule = joined.split(separator: ".", maxSplits: 1).last.map(String.init) ?? joined
        return withoutModule.replacingOccurrences(of: "()", with: "")
    }
}
