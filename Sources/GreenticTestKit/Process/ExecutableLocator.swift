import Foundation

/// Finds executables: an explicit path, else extra folders, else `PATH` split on `:`.
package enum ExecutableLocator {
    public static func locate(_ name: String, extraPaths: [String] = [],
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : FileManager.default.currentDirectoryPath + "/" + name
            guard isExecutable(path) else { throw ServiceError.executableNotFound(name: name, searched: [path]) }
            return path
        }
        let dirs = searchDirectories(extraPaths: extraPaths, environment: environment)
        for dir in dirs {
            let candidate = dir + "/" + name
            if isExecutable(candidate) { return candidate }
        }
        throw ServiceError.executableNotFound(name: name, searched: dirs)
    }

    public static func find(_ name: String, extraPaths: [String] = []) -> String? {
        try? locate(name, extraPaths: extraPaths)
    }

    public static func searchDirectories(extraPaths: [String], environment: [String: String]) -> [String] {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        var seen = Set<String>()
        return (extraPaths + path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]).filter {
            !$0.isEmpty && seen.insert($0).inserted
        }
    }

    package static func isExecutable(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
            && access(path, X_OK) == 0
    }
}
