//! Checking links to other websites (`--external`): each distinct address is fetched once,
//! a few at a time, with timeouts; working addresses are remembered in a cache file for a
//! week so repeated checks are quick and polite.
//!
//! The only module that uses the network.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How to check.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How many addresses are fetched at once.
    pub concurrency: usize,
    /// The longest one address may take to answer, redirects included, before it counts as
    /// failed.
    pub timeout: Duration,
    /// Days a working address is trusted without fetching it again.
    pub cache_days: i64,
    /// Today, as days since 1970-01-01.
    pub today: i64,
}

/// What became of one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The address works (a 2xx or 3xx answer), now or within the cache's trusted days.
    Ok,
    /// The server answered with this HTTP status.
    Status(u16),
    /// No answer: the reason in words.
    Failed(String),
    /// Not checked: no site answered at all in this run (this machine is most likely offline),
    /// so no link can be told to be broken.
    Unchecked,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// Address → the day (since 1970-01-01) it last worked.
    #[serde(default)]
    ok: BTreeMap<String, i64>,
}

/// Checks `urls` and returns the outcome of each. `cache` is the cache file's path.
pub fn check(urls: &[String], settings: &Settings, cache: &Path) -> HashMap<String, Outcome> {
    let mut file: CacheFile = std::fs::read_to_string(cache)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let fresh = |url: &str, file: &CacheFile| {
        file.ok
            .get(url)
            .is_some_and(|day| settings.today - day <= settings.cache_days)
    };
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    let mut todo: Vec<&String> = Vec::new();
    for url in urls {
        if fresh(url, &file) {
            outcomes.insert(url.clone(), Outcome::Ok);
        } else if !todo.contains(&url) {
            todo.push(url);
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .user_agent(concat!(
            "PolicyPress/",
            env!("CARGO_PKG_VERSION"),
            " (link checker)"
        ))
        .max_redirects(5)
        .build()
        .into();
    let results = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.concurrency.clamp(1, 32))
        .build();
    let run = || {
        todo.par_iter().for_each(|url| {
            let outcome = fetch(&agent, url);
            if let Ok(mut r) = results.lock() {
                r.push(((*url).clone(), outcome));
            }
        });
    };
    match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
    let mut results = results.into_inner().unwrap_or_default();
    // Not one site answered (with a page or an error status): the machine is offline, or
    // cannot reach the internet, and that says nothing about the links.
    let none_answered = results.iter().all(|(_, o)| matches!(o, Outcome::Failed(_)));
    if none_answered {
        for (_, o) in &mut results {
            *o = Outcome::Unchecked;
        }
    }
    for (url, outcome) in results {
        match outcome {
            Outcome::Ok => {
                file.ok.insert(url.clone(), settings.today);
            }
            Outcome::Unchecked => {}
            _ => {
                file.ok.remove(&url);
            }
        }
        outcomes.insert(url, outcome);
    }
    if let Some(dir) = cache.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(text) = serde_json::to_string_pretty(&file) {
        let _ = std::fs::write(cache, text);
    }
    outcomes
}

fn fetch(agent: &ureq::Agent, url: &str) -> Outcome {
    // HEAD first; some servers refuse it, so fall back to GET.
    let status = match agent.head(url).call() {
        Ok(r) => r.status().as_u16(),
        Err(e) => return Outcome::Failed(describe(&e)),
    };
    let status = if matches!(status, 403 | 405 | 501) {
        match agent.get(url).call() {
            Ok(r) => r.status().as_u16(),
            Err(e) => return Outcome::Failed(describe(&e)),
        }
    } else {
        status
    };
    if (200..400).contains(&status) {
        Outcome::Ok
    } else {
        Outcome::Status(status)
    }
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "it did not answer in time".into(),
        ureq::Error::HostNotFound => "the web address's host does not exist".into(),
        ureq::Error::ConnectionFailed => "the connection failed".into(),
        ureq::Error::Io(io) => format!("the connection failed ({})", io.kind()),
        other => other.to_string(),
    }
}

impl Outcome {
    /// Plain words for a broken link.
    pub fn explain(&self) -> String {
        match self {
            Outcome::Ok => "it works".into(),
            Outcome::Status(404 | 410) => "the page does not exist (404)".into(),
            Outcome::Status(s) => format!("the site answered with an error ({s})"),
            Outcome::Failed(why) => why.clone(),
            Outcome::Unchecked => "it could not be checked (no site answered)".into(),
        }
    }
}
