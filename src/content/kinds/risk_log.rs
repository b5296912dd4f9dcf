//! Risk logs: `content/risk-logs/`, rows of risks whose score and level are computed.

use serde::Deserialize;
use toml::Spanned;

use super::*;
use crate::render::RiskCtx;

/// The declaration of risk logs: their folder, template and rows of risks (not printed).
pub const KIND: KindDef = KindDef {
    kind: Kind::RiskLog,
    id: "risk-log",
    path: KindPath::Folder("risk-logs"),
    section: Some("Risk logs"),
    template: "risk_log.html",
    print: None,
    per_band: false,
    numbered: false,
    school_home: false,
    read,
    texts,
    page,
    list_line: no_list_line,
    print_bands: no_print_bands,
};

/// What a risk log holds: its rows.
pub type Data = Vec<Risk>;

fn read(
    doc: &mut Document,
    front: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let f = parse_toml::<RiskLogFront>(&doc.source, front, 0)?;
    doc.meta = meta_of!(f, doc, config, diags);
    let risks = f
        .risk
        .into_iter()
        .filter_map(|r| risk(r, &doc.source, diags))
        .collect();
    doc.data = KindData::RiskLog(risks);
    Ok(())
}

/// One row of a risk log; score and level are computed, never typed.
#[derive(Debug, Clone)]
pub struct Risk {
    /// The activity the risk arises in, such as "Pupils using class tablets".
    pub activity: String,
    /// What could go wrong, such as "Seeing unsuitable content".
    pub risk: String,
    /// How likely it is, from 1 (low) to 3 (high).
    pub likelihood: u8,
    /// How much harm it would do, from 1 (low) to 3 (high).
    pub impact: u8,
    /// Who manages the risk: a role id such as `dsl` (shown with the school's person in that
    /// role), or any other text shown as written.
    pub owner: String,
    /// What the school does to reduce the risk.
    pub controls: String,
}

impl Risk {
    /// The risk's score: likelihood times impact, from 1 to 9.
    pub fn score(&self) -> u8 {
        self.likelihood * self.impact
    }

    /// The score's band, as pages show and style it: `low` (1–3), `medium` (4–6) or `high`.
    pub fn level(&self) -> &'static str {
        match self.score() {
            0..=3 => "low",
            4..=6 => "medium",
            _ => "high",
        }
    }
}

front_matter! {
    struct RiskLogFront {
        #[serde(default)]
        risk: Vec<RiskFront>,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RiskFront {
    activity: String,
    risk: String,
    likelihood: Spanned<i64>,
    impact: Spanned<i64>,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    controls: String,
}

fn risk(r: RiskFront, source: &SourceText, diags: &mut Vec<Diagnostic>) -> Option<Risk> {
    let mut value = |v: &Spanned<i64>, what: &str| -> Option<u8> {
        match *v.get_ref() {
            n @ 1..=3 => Some(n as u8),
            n => {
                diags.push(
                    Diagnostic::error("risk-out-of-range", &source.name, format!("{what} is {n}, but it must be 1, 2 or 3"))
                        .at(source, v.span().start)
                        .with_hint(format!("rate {what} 1 (low), 2 (medium) or 3 (high); the score and its band are worked out for you")),
                );
                None
            }
        }
    };
    let likelihood = value(&r.likelihood, "likelihood");
    let impact = value(&r.impact, "impact");
    Some(Risk {
        activity: r.activity,
        risk: r.risk,
        likelihood: likelihood?,
        impact: impact?,
        owner: r.owner,
        controls: r.controls,
    })
}

fn texts(data: &mut KindData) -> Vec<&mut String> {
    let KindData::RiskLog(risks) = data else {
        return Vec::new();
    };
    risks
        .iter_mut()
        .flat_map(|r| [&mut r.activity, &mut r.risk, &mut r.owner, &mut r.controls])
        .collect()
}

/// `page.risks`: the rows, each with its score, level and owner.
fn page(doc: &Document, at: &PageData<'_>, page: &mut PageCtx) {
    page.risks = doc
        .risks()
        .iter()
        .map(|r| RiskCtx {
            activity: r.activity.clone(),
            risk: r.risk.clone(),
            likelihood: r.likelihood,
            impact: r.impact,
            score: r.score(),
            level: r.level().to_string(),
            owner: match at.school.roles.title(&r.owner) {
                Some(title) => {
                    let p = person_ctx(at.school, &r.owner);
                    if p.name.is_empty() {
                        title.to_string()
                    } else {
                        format!("{title} ({})", p.name)
                    }
                }
                None => r.owner.clone(),
            },
            controls: r.controls.clone(),
        })
        .collect();
}
