//! `#[derive(Args)]` for the commands framework of `stoat-core`.
//!
//! Deriving `Args` on a struct makes its fields the parameters of a command, in order: the
//! field's type picks the converter and the shape (`T` required, `Option<T>` optional,
//! `Vec<T>` greedy, `Rest` the rest of the message), the field's name is the parameter's
//! name in usage strings and errors, and the field's doc comment is its description in
//! `help`. See `stoat_core::commands` for the framework and the list of converters.
//!
//! ```ignore
//! use stoat_core::commands::{Args, Rest};
//! use stoat_core::model::Member;
//!
//! #[derive(Args)]
//! struct Kick {
//!     /// Who to kick.
//!     member: Member,
//!     /// Why (recorded in the audit log).
//!     reason: Option<Rest>,
//! }
//! ```
//!
//! Attributes:
//!
//! * `#[args(crate = "path")]` on the struct: where `stoat_core` is, when the derive cannot
//!   tell (e.g. `#[args(crate = "my_reexport::core")]`). Without it the derive reads your
//!   `Cargo.toml`: `stoat-core` under whatever name you gave it, or else the `core` that
//!   `stoat-tokio`, `stoat-async-std` or `stoat-blocking` re-exports;
//! * `#[arg(rename = "name")]` on a field: the parameter's name shown to users;
//! * `#[arg(description = "...")]` on a field: its description (instead of the doc comment).
//!
//! Tuple structs work too (their parameters are called `arg1`, `arg2`, ... unless renamed),
//! and a unit struct takes no arguments.

use proc_macro::TokenStream;
use proc_macro2::Span;
use proc_macro_crate::{crate_name, FoundCrate};
use quote::quote;
use syn::{parse_macro_input, Attribute, Data, DeriveInput, Expr, Fields, Lit, LitStr, Meta};

/// Derives `stoat_core::commands::Args` for a struct; see the crate docs.
#[proc_macro_derive(Args, attributes(args, arg))]
pub fn derive_args(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

struct Field {
    access: proc_macro2::TokenStream,
    ty: syn::Type,
    name: String,
    description: Option<String>,
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let krate = crate_path(&input.attrs)?;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Args)] needs a struct: its fields are the command's parameters",
        ));
    };
    let mut fields = Vec::new();
    for (index, field) in data.fields.iter().enumerate() {
        let (access, default_name) = match &field.ident {
            Some(ident) => {
                let name = ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
                (quote!(#ident), name)
            }
            None => {
                let member = syn::Index::from(index);
                (quote!(#member), format!("arg{}", index + 1))
            }
        };
        let options = field_options(&field.attrs)?;
        fields.push(Field {
            access,
            ty: field.ty.clone(),
            name: options.rename.unwrap_or(default_name),
            description: options.description.or_else(|| doc_comment(&field.attrs)),
        });
    }

    let params = fields.iter().map(|field| {
        let ty = &field.ty;
        let name = LitStr::new(&field.name, Span::call_site());
        let description = field.description.as_ref().map(|text| {
            let text = LitStr::new(text, Span::call_site());
            quote!(.description(#text))
        });
        quote!(#krate::Param::of::<#ty>(#name) #description)
    });
    let takes = fields.iter().map(|field| {
        let access = &field.access;
        let ty = &field.ty;
        quote!(#access: values.take::<#ty>()?)
    });
    // Tuple structs accept the braced form too (`Self { 0: .., 1: .. }`).
    let construct = match &data.fields {
        Fields::Unit => quote!(Self),
        _ => quote!(Self { #(#takes,)* }),
    };

    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #krate::Args for #ident #ty_generics #where_clause {
            fn params() -> ::std::vec::Vec<#krate::Param> {
                ::std::vec![#(#params),*]
            }

            #[allow(unused_variables)]
            fn from_values(
                values: &mut #krate::Values,
            ) -> ::std::result::Result<Self, #krate::CommandError> {
                ::std::result::Result::Ok(#construct)
            }
        }
    })
}

fn crate_path(attrs: &[Attribute]) -> syn::Result<syn::Path> {
    let mut path = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("args")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let value: LitStr = meta.value()?.parse()?;
                let root: syn::Path = value.parse()?;
                path = Some(syn::parse_quote!(#root::commands));
                Ok(())
            } else {
                Err(meta.error("unknown #[args] option; expected `crate = \"path\"`"))
            }
        })?;
    }
    Ok(path.unwrap_or_else(found_core))
}

/// The runtime crates that re-export `stoat_core` as `core`.
const RUNTIMES: [&str; 3] = ["stoat-tokio", "stoat-async-std", "stoat-blocking"];

/// Where `stoat_core`'s commands are for the crate being compiled, read off its manifest:
/// `stoat-core` itself (under the name the manifest gives it), else a runtime crate's
/// `core`, else `::stoat_core` (and the compiler's error names it).
fn found_core() -> syn::Path {
    let ident = |name: &str| syn::Ident::new(name, Span::call_site());
    match crate_name("stoat-core") {
        Ok(FoundCrate::Name(name)) => {
            let name = ident(&name);
            return syn::parse_quote!(::#name::commands);
        }
        // stoat-core's own library never derives `Args`; its tests, examples and doctests
        // see it as the extern crate `stoat_core`.
        Ok(FoundCrate::Itself) => return syn::parse_quote!(::stoat_core::commands),
        Err(_) => {}
    }
    for runtime in RUNTIMES {
        if let Ok(FoundCrate::Name(name)) = crate_name(runtime) {
            let name = ident(&name);
            return syn::parse_quote!(::#name::core::commands);
        }
    }
    syn::parse_quote!(::stoat_core::commands)
}

#[derive(Default)]
struct FieldOptions {
    rename: Option<String>,
    description: Option<String>,
}

fn field_options(attrs: &[Attribute]) -> syn::Result<FieldOptions> {
    let mut options = FieldOptions::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("arg")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: LitStr = meta.value()?.parse()?;
                let name = value.value();
                if name.is_empty() || name.chars().any(char::is_whitespace) {
                    return Err(syn::Error::new_spanned(
                        value,
                        "a parameter name must be non-empty and without spaces",
                    ));
                }
                options.rename = Some(name);
                Ok(())
            } else if meta.path.is_ident("description") {
                let value: LitStr = meta.value()?.parse()?;
                options.description = Some(value.value());
                Ok(())
            } else {
                Err(meta.error(
                    "unknown #[arg] option; expected `rename = \"...\"` or `description = \"...\"`",
                ))
            }
        })?;
    }
    Ok(options)
}

/// The field's doc comment, lines joined with spaces.
fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(lit) => match &lit.lit {
                    Lit::Str(s) => Some(s.value().trim().to_owned()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .filter(|line| !line.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join(" "))
}
