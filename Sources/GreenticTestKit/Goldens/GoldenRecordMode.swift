/// When a golden file may be (re)written instead of compared, from `GOLDEN_RECORD`.
///
/// `never` compares only (the default under `CI`); `missing` writes goldens that do not exist yet
/// (the default elsewhere); `failed` rewrites goldens that differ (and still fails the check);
/// `all` rewrites every golden it touches.
public enum GoldenRecordMode: String, Sendable, CaseIterable {
    case never, missing, failed, all

    public static func fromEnvironment(_ env: [String: String]) throws -> GoldenRecordMode {
        if let raw = env["GOLDEN_RECORD"], !raw.isEmpty {
            guard let mode = GoldenRecordMode(rawValue: raw.lowercased()) else {
                throw GoldenError.invalidRecordMode(raw)
            }
            return mode
        }
        return StrictMode.isCI(env) ? .never : .missing
    }
}
