//! The 15 loader attributes (`#[user_lookup_loader]`, `#[token_in_blocklist_loader]`, …).
//!
//! They share one implementation driven by a table of kinds (as tokio's `main` and `test`
//! share theirs): each kind says which parameters the function takes, whether it may be
//! `async`, and what it returns. The attribute checks the signature with spanned errors and
//! emits the function, so it is still an ordinary function you can call and test. An `async`
//! loader on `(header, claims)` is rewritten to take them by value and return a `Send` future,
//! the shape `JwtManagerBuilder` accepts. Register it by name:
//! `JwtManager::builder(config).token_in_blocklist_loader(is_revoked)`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{parse_quote, FnArg, ItemFn, Pat, Path, ReturnType, Type};

use crate::common::{parse_crate_path, Errors};

#[derive(Clone, Copy, PartialEq)]
enum Param {
    /// `&JwtHeader`
    Header,
    /// `&Claims`
    Claims,
    /// `&str`: the error message
    Reason,
    /// `&T`: the identity given to `create_*_token`
    Identity,
}

impl Param {
    fn describe(self) -> &'static str {
        match self {
            Param::Header => "`&JwtHeader`",
            Param::Claims => "`&Claims`",
            Param::Reason => "`&str`",
            Param::Identity => {
                "`&T` (a reference to the identity type you pass to create_access_token)"
            }
        }
    }
}

pub(crate) struct Kind {
    name: &'static str,
    params: &'static [Param],
    may_be_async: bool,
    returns: &'static str,
}

const HC: &[Param] = &[Param::Header, Param::Claims];

pub(crate) const KINDS: &[Kind] = &[
    Kind {
        name: "user_identity_loader",
        params: &[Param::Identity],
        may_be_async: false,
        returns: "the identity claim's value (e.g. a String)",
    },
    Kind {
        name: "additional_claims_loader",
        params: &[Param::Identity],
        may_be_async: false,
        returns: "a serde_json::Value object of extra claims",
    },
    Kind {
        name: "additional_headers_loader",
        params: &[Param::Identity],
        may_be_async: false,
        returns: "a serde_json::Value object of extra header members",
    },
    Kind {
        name: "encode_key_loader",
        params: &[Param::Identity],
        may_be_async: false,
        returns: "the signing Key",
    },
    Kind {
        name: "decode_key_loader",
        params: HC,
        may_be_async: false,
        returns: "the verifying Key",
    },
    Kind {
        name: "token_in_blocklist_loader",
        params: HC,
        may_be_async: true,
        returns: "bool (true = revoked) or Result<bool, E>",
    },
    Kind {
        name: "token_verification_loader",
        params: HC,
        may_be_async: true,
        returns: "bool (false = 400 User claims verification failed) or Result<bool, E>",
    },
    Kind {
        name: "user_lookup_loader",
        params: HC,
        may_be_async: true,
        returns: "Option<User> (None = 401) or Result<Option<User>, E>",
    },
    Kind {
        name: "expired_token_loader",
        params: HC,
        may_be_async: false,
        returns: "a response (impl IntoResponse)",
    },
    Kind {
        name: "invalid_token_loader",
        params: &[Param::Reason],
        may_be_async: false,
        returns: "a response (impl IntoResponse)",
    },
    Kind {
        name: "unauthorized_loader",
        params: &[Param::Reason],
        may_be_async: false,
        returns: "a response (impl IntoResponse)",
    },
    Kind {
        name: "needs_fresh_token_loader",
        params: HC,
        may_be_async: false,
        returns: "a response (impl IntoResponse)",
    },
    Kind {
        name: "revoked_token_loader",
        params: HC,
        may_be_async: false,
        returns: "a response (impl IntoResponse)",
    },
    Kind {
        name: "token_verification_failed_loader",
        params: HC,
        may_be_async: false,
        returns: "a response (impl IntoResponse)",
    },
    Kind {
        name: "user_lookup_error_loader",
        params: HC,
        may_be_async: false,
        returns: "a response (impl IntoResponse)",
    },
];

pub(crate) fn kind(name: &str) -> &'static Kind {
    KINDS.iter().find(|k| k.name == name).unwrap_or(&KINDS[0])
}

/// Whether `ty` is `&Name` (any path ending in `Name`), or `&str` for reasons.
fn matches(param: Param, ty: &Type) -> bool {
    let Type::Reference(r) = ty else { return false };
    if r.mutability.is_some() {
        return false;
    }
    let last = match &*r.elem {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    match param {
        Param::Header => last.as_deref() == Some("JwtHeader"),
        Param::Claims => last.as_deref() == Some("Claims"),
        Param::Reason => last.as_deref() == Some("str"),
        Param::Identity => true,
    }
}

pub(crate) fn expand(kind: &'static Kind, attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut krate: Option<Path> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("crate") {
            krate = Some(parse_crate_path(&meta)?);
            Ok(())
        } else {
            Err(meta.error(format!(
                "#[{}] takes no options other than `crate = path`",
                kind.name
            )))
        }
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, attr) {
        errors.push(e);
    }
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            errors.push(syn::Error::new(
                Span::call_site(),
                format!("#[{}] goes on a function", kind.name),
            ));
            let errs = errors.into_compile_errors();
            return quote! { #errs #item };
        }
    };
    let sig = &func.sig;
    if sig.asyncness.is_some() && !kind.may_be_async {
        errors.push(syn::Error::new(
            sig.asyncness.span(),
            format!(
                "a {} cannot be `async`: flask-jwt-extended calls it synchronously; remove `async`",
                kind.name
            ),
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new(
            sig.generics.span(),
            format!(
                "a {} cannot be generic: it is registered by name; use concrete types",
                kind.name
            ),
        ));
    }
    let expected: Vec<&str> = kind.params.iter().map(|p| p.describe()).collect();
    let expected = expected.join(", ");
    if sig.inputs.len() != kind.params.len() {
        let span = if sig.inputs.is_empty() {
            sig.paren_token.span.join()
        } else {
            sig.inputs.span()
        };
        errors.push(syn::Error::new(
            span,
            format!(
                "a {} takes {} parameter{}: ({expected})",
                kind.name,
                kind.params.len(),
                if kind.params.len() == 1 { "" } else { "s" }
            ),
        ));
    } else {
        for (arg, param) in sig.inputs.iter().zip(kind.params) {
            match arg {
                FnArg::Receiver(r) => errors.push(syn::Error::new(
                    r.span(),
                    format!(
                        "a {} is a free function, not a method taking `self`",
                        kind.name
                    ),
                )),
                FnArg::Typed(pt) if !matches(*param, &pt.ty) => errors.push(syn::Error::new(
                    pt.ty.span(),
                    format!(
                        "this parameter of a {} must be {}; expected ({expected})",
                        kind.name,
                        param.describe()
                    ),
                )),
                FnArg::Typed(_) => {}
            }
        }
    }
    if let ReturnType::Default = sig.output {
        errors.push(syn::Error::new(
            sig.ident.span(),
            format!(
                "a {} must return {}; add a return type",
                kind.name, kind.returns
            ),
        ));
    }
    if !errors.is_empty() {
        let errs = errors.into_compile_errors();
        return quote! { #errs #func };
    }
    if sig.asyncness.is_none() {
        return quote! { #func };
    }

    // An async (header, claims) loader: take the arguments by value, return a Send future.
    let krate: Path = krate.unwrap_or_else(|| parse_quote!(::axum_jwt_extended));
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = func;
    let ident = &sig.ident;
    let ret = match &sig.output {
        ReturnType::Type(_, t) => t.clone(),
        ReturnType::Default => parse_quote!(()),
    };
    let owned = [
        syn::Ident::new("__jwt_header", Span::mixed_site()),
        syn::Ident::new("__jwt_claims", Span::mixed_site()),
    ];
    let mut binds = Vec::new();
    for (arg, owned) in sig.inputs.iter().zip(&owned) {
        if let FnArg::Typed(pt) = arg {
            let pat: &Pat = &pt.pat;
            let ty = &pt.ty;
            binds.push(quote! { let #pat: #ty = &#owned; });
        }
    }
    let [h, c] = &owned;
    quote! {
        #(#attrs)*
        #vis fn #ident(
            #h: #krate::JwtHeader,
            #c: #krate::Claims,
        ) -> impl ::core::future::Future<Output = #ret> + ::core::marker::Send + 'static {
            async move {
                #(#binds)*
                #block
            }
        }
    }
}
