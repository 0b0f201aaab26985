//! The core: domain types, the access policy, and the services that apply the rules.
//!
//! Every service takes a [`Ctx`] (the acting user, the clock, the request id) and asks the
//! [`policy`](kernel::policy) before touching data. A change writes its audit event in the same
//! transaction; a read of a person's data runs in [`audit::read`](kernel::audit), which hands out
//! nothing before its audit events are durable (decision 0009).
//!
//! Four layers, each importing only those before it: [`kernel`], [`administration`], [`records`],
//! [`casework`]; and [`demo`], the demo county, on top.

pub mod administration;
pub mod casework;
pub mod demo;
pub mod kernel;
pub mod records;

pub use kernel::clock::{Clock, ManualClock, SystemClock};
pub use kernel::ctx::Ctx;
pub use kernel::error::{Error, FieldError, FieldErrors, Result};
pub use kernel::policy::{Action, Actor, Resource};

#[cfg(test)]
mod tests {
    /// The layers' imports run one way: a module names no layer after its own.
    #[test]
    fn imports_run_one_way() {
        let layers = ["kernel", "administration", "records", "casework"];
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut checked = 0;
        for (i, layer) in layers.iter().enumerate() {
            for path in sources(&src.join(layer)) {
                let text = std::fs::read_to_string(&path).expect("source");
                for later in &layers[i + 1..] {
                    assert!(
                        !text.contains(&format!("crate::{later}")),
                        "{} ({layer}) imports from {later}",
                        path.display()
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 30, "only {checked} files checked");
    }

    /// The source files below a folder, those of its module folders included.
    fn sources(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).expect("layer folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                files.extend(sources(&path));
            } else {
                files.push(path);
            }
        }
        files
    }
}
