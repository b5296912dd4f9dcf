//! A running `policypress serve` for the tests that talk to it, killed when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// What serve has printed so far, one line each, in order.
    pub printed: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `serve --port 0 --today 2026-11-23` on the site at `root`.
    pub fn start(root: &Path) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("policypress"))
            .args(["serve", "--port", "0", "--today", "2026-11-23", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("serve printed nothing").unwrap();
        let printed = Arc::new(Mutex::new(vec![first.clone()]));
        // Keep reading the rest, so the pipe never fills and the tests see the order.
        let more = Arc::clone(&printed);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                more.lock().unwrap().push(line);
            }
        });
        let addr = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        Server {
            child,
            addr,
            printed,
        }
    }

    pub fn port(&self) -> &str {
        self.addr.rsplit(':').next().unwrap()
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }

    /// A raw request with the given `Host` header (none for `None`): (status, body bytes).
    pub fn raw(&self, method: &str, path: &str, host: Option<&str>) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).expect("serve no longer answers");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
        write!(
            s,
            "{method} {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let head_end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(raw.len(), |p| p + 4);
        let status = String::from_utf8_lossy(&raw[..head_end])
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, raw[head_end..].to_vec())
    }

    /// A GET with the server's own `Host`: (status, body bytes).
    pub fn bytes(&self, path: &str) -> (u16, Vec<u8>) {
        self.raw("GET", path, Some(&self.addr))
    }

    /// A request with the server's own `Host`: (status, body).
    pub fn request(&self, method: &str, path: &str) -> (u16, String) {
        let (status, body) = self.raw(method, path, Some(&self.addr));
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// A GET with the given `Host` header (none for `None`): (status, body).
    pub fn get_with_host(&self, path: &str, host: Option<&str>) -> (u16, String) {
        let (status, body) = self.raw("GET", path, host);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// The body of a GET that must answer 200.
    pub fn get(&self, path: &str) -> String {
        let (status, body) = self.request("GET", path);
        assert_eq!(status, 200, "GET {path}");
        body
    }

    /// Waits (up to 120 s) until `path` answers with a page for which `done` holds.
    pub fn wait_for(&mut self, path: &str, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            assert!(self.alive(), "serve died while waiting for {what}");
            let (status, body) = self.request("GET", path);
            if status == 200 && done(&body) {
                return body;
            }
            assert!(Instant::now() < deadline, "{what} never showed: {body}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The lines serve has printed so far.
    pub fn printed(&self) -> Vec<String> {
        self.printed.lock().unwrap().clone()
    }

    /// Opens the reload event stream.
    pub fn events(&self) -> BufReader<TcpStream> {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET /__policypress/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        while r.read_line(&mut line).unwrap() > 0 && !line.contains("retry:") {
            line.clear();
        }
        r
    }

    /// Sends SIGINT and waits (up to 10 s) for the server to stop.
    pub fn interrupt(&mut self) -> ExitStatus {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.alive() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
