import Foundation
import GreenticTestKit
import XCTest

/// Folder names for XCTest cases (`Class_testMethod`).
enum XCTestNaming {
    static func folderName(_ id: String) -> String {
        let parts = id.split(separator: "/")
        let type = parts.first.map { $0.split(separator: ".").last.map(String.init) ?? String($0) } ?? "xctest"
        return ([type] + parts.dropFirst().map(String.init)).joined(separator: "_")
    }
}
