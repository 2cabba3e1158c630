import ArgumentParser
import GreenticFixtureServer
import GreenticTestKit

/// `greentic-integration openapi`: prints the fixture server's OpenAPI document.
struct OpenAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi", abstract: "Print the fixture server's OpenAPI 3 document (JSON) on stdout.")

    func run() async throws {
        StandardOutput.line(JSONWriter.pretty(OpenAPIDocument.document))
    }
}
