//! Helpers shared by the attribute macros: error accumulation and the `crate = path` option.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Item, LitStr, Path};

/// Errors collected while parsing, reported together.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |e| e.into_iter().count())
    }

    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.0.map(|e| e.to_compile_error()).unwrap_or_default()
    }
}

/// `crate = path` or `crate = "path"`, as `#[tokio::main(crate = "…")]` takes it.
pub(crate) fn parse_crate_path(meta: &ParseNestedMeta<'_>) -> syn::Result<Path> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        let s: LitStr = value.parse()?;
        s.parse()
    } else {
        value.parse()
    }
}

/// Skips the rest of a malformed option (up to the next top-level `,`), so that one mistake
/// is reported once and the options after it are still checked.
pub(crate) fn skip_to_comma(input: syn::parse::ParseStream<'_>) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(syn::Token![,]) {
        let _: proc_macro2::TokenTree = input.parse()?;
    }
    Ok(())
}

/// Optimal-string-alignment distance: edits, with a swap of two neighbours counted as one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to a misspelt `given`, if one is close enough to be a likely typo
/// (or contains it, as `revocation` in `skip_revocation_check`).
pub(crate) fn closest<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given_lower = given.to_ascii_lowercase();
    let max = (given.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter_map(|c| {
            let d = edit_distance(&given_lower, c);
            if d <= max {
                Some((d, c))
            } else if given_lower.len() >= 4 && c.contains(given_lower.as_str()) {
                Some((max + 1, c))
            } else {
                None
            }
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Where to point, and what to call it, when the attribute is on something else than a fn.
pub(crate) fn item_kind(item: &Item) -> (Span, &'static str) {
    match item {
        Item::Struct(i) => (i.struct_token.span, "a struct"),
        Item::Enum(i) => (i.enum_token.span, "an enum"),
        Item::Union(i) => (i.union_token.span, "a union"),
        Item::Trait(i) => (i.trait_token.span, "a trait"),
        Item::TraitAlias(i) => (i.trait_token.span, "a trait alias"),
        Item::Impl(i) => (i.impl_token.span, "an impl block"),
        Item::Mod(i) => (i.mod_token.span, "a module"),
        Item::Const(i) => (i.const_token.span, "a const"),
        Item::Static(i) => (i.static_token.span, "a static"),
        Item::Type(i) => (i.type_token.span, "a type alias"),
        Item::Use(i) => (i.use_token.span, "a use declaration"),
        Item::ExternCrate(i) => (i.extern_token.span, "an extern crate"),
        Item::ForeignMod(i) => (i.abi.extern_token.span, "an extern block"),
        Item::Macro(i) => (i.mac.path.span(), "a macro invocation"),
        _ => (Span::call_site(), "this item"),
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggestions() {
        let opts = [
            "optional",
            "fresh",
            "refresh",
            "verify_type",
            "skip_revocation_check",
        ];
        assert_eq!(closest("fersh", opts), Some("fresh"));
        assert_eq!(closest("optinal", opts), Some("optional"));
        assert_eq!(closest("refersh", opts), Some("refresh"));
        assert_eq!(closest("revocation", opts), Some("skip_revocation_check"));
        assert_eq!(closest("Fresh", opts), Some("fresh"));
        assert_eq!(closest("xyz", opts), None);
        assert_eq!(closest("headers", ["cookies", "json"]), None);
    }
}
