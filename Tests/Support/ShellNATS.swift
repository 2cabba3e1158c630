import Foundation

/// Bash that speaks NATS over `/dev/tcp`, for services under test written as shell scripts: a
/// real process with its own connection, logging on stdout as it goes.
public enum ShellNATS {
    /// Defines `nats_connect URL`, `nats_pub SUBJECT TEXT [REPLY]`, `nats_sub SUBJECT SID`,
    /// `nats_wait PREFIX` (reads server lines until one starts with PREFIX) and `nats_flush`.
    public static let functions = #"""
    nats_connect() { local hp=${1#nats://}; exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}"; printf 'CONNECT {"verbose":false,"pedantic":false}\r\n' >&3; }
    nats_pub() { if [ -n "${3:-}" ]; then printf 'PUB %s %s %d\r\n%s\r\n' "$1" "$3" "${#2}" "$2" >&3; else printf 'PUB %s %d\r\n%s\r\n' "$1" "${#2}" "$2" >&3; fi; }
    nats_sub() { printf 'SUB %s %s\r\n' "$1" "$2" >&3; }
    nats_wait() { local line; while IFS= read -r line <&3; do case "$line" in "$1"*) return 0;; esac; done; return 1; }
    nats_flush() { printf 'PING\r\n' >&3; nats_wait PONG; }
    """#

    /// A bash script: the functions, then `body`.
    public static func script(_ body: String) -> String {
        functions + "\n" + body
    }
}
