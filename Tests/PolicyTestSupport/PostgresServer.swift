import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for the ledger's tests: one throwaway cluster per test process (initdb in a
/// temporary folder, `pg_ctl start` on a free loopback port), and a fresh database per test. Run as
/// root (CI containers), the cluster belongs to the `postgres` user, since the server refuses root.
/// Stopped and removed when the process exits.
public enum PostgresServer {
    /// A new, empty database: its URL (`postgresql://postgres@127.0.0.1:PORT/NAME`).
    public static func freshDatabase() throws -> String {
        let cluster = try shared.get()
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try cluster.psql("CREATE DATABASE \(name)")
        return cluster.url(database: name)
    }

    /// Stops the server and starts it again on the same port: what a ledger server's restart does
    /// to the connections open to it.
    public static func restart() throws {
        let cluster = try shared.get()
        try cluster.run("pg_ctl", ["-D", cluster.data, "-m", "fast", "-w", "stop"])
        try cluster.start()
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private static let shared: Result<Cluster, Failure> = {
        do { return .success(try Cluster.create()) } catch let error as Failure { return .failure(error) } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    private struct Cluster: Sendable {
        let folder: String
        let bin: String
        let port: Int
        let asPostgres: Bool
        var data: String { folder + "/data" }

        func url(database: String) -> String { "postgresql://postgres@127.0.0.1:\(port)/\(database)" }

        static func create() throws -> Cluster {
            let bin = try binFolder()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policyc-pg-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let asPostgres = geteuid() == 0
            if asPostgres {
                guard let user = getpwnam("postgres") else { throw Failure(description: "running as root, and there is no postgres user to run the test server as") }
                chown(folder, user.pointee.pw_uid, user.pointee.pw_gid)
            }
            let cluster = Cluster(folder: folder, bin: bin, port: try freePort(), asPostgres: asPostgres)
            try cluster.run("initdb", ["-D", cluster.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
            try cluster.start()
            Self.stopAtExit = cluster
            atexit {
                guard let cluster = Cluster.stopAtExit else { return }
                _ = try? cluster.run("pg_ctl", ["-D", cluster.data, "-m", "immediate", "-w", "stop"])
                try? FileManager.default.removeItem(atPath: cluster.folder)
            }
            return cluster
        }

        nonisolated(unsafe) static var stopAtExit: Cluster?

        func start() throws {
            try run("pg_ctl", ["-D", data, "-l", folder + "/server.log", "-w", "-o",
                               "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                               "start"])
        }

        func psql(_ sql: String) throws {
            try run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres",
                             "-d", "postgres", "-c", sql])
        }

        /// Runs one of the server's programs, as the postgres user when running as root. posix_spawn and
        /// waitpid, not Foundation's Process: Process learns that its child ended when a socket it shares
        /// with it closes, and the server pg_ctl starts keeps that socket open for as long as it runs.
        @discardableResult
        func run(_ name: String, _ arguments: [String]) throws -> String {
            let path = bin + "/" + name
            let program = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
            // In the cluster's folder: the postgres user may not read the test's own.
            let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", folder] + program
            let outputPath = folder + "/\(name)-\(UUID().uuidString).out"
            defer { try? FileManager.default.removeItem(atPath: outputPath) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            let argv = command.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid = pid_t()
            let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
            guard spawned == 0 else { throw Failure(description: "cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            guard status == 0 else {
                throw Failure(description: "\(name) \(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
            }
            return text
        }

        /// Debian keeps the server's programs out of PATH: `pg_config --bindir` (libpq-dev) says where.
        static func binFolder() throws -> String {
            for candidate in ["/usr/bin/pg_config", "/usr/local/bin/pg_config"] where FileManager.default.isExecutableFile(atPath: candidate) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: candidate)
                process.arguments = ["--bindir"]
                let output = Pipe()
                process.standardOutput = output
                try process.run()
                let folder = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                process.waitUntilExit()
                if FileManager.default.isExecutableFile(atPath: folder + "/initdb") { return folder }
            }
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
            if let newest = versions.compactMap(Int.init).max() { return "/usr/lib/postgresql/\(newest)/bin" }
            throw Failure(description: "no PostgreSQL server programs (initdb): apt-get install postgresql libpq-dev")
        }

        /// A loopback port nobody listens on now (the kernel's pick).
        static func freePort() throws -> Int {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
                }
            }
            guard bound else { throw Failure(description: "cannot find a free port: \(String(cString: strerror(errno)))") }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }
}
