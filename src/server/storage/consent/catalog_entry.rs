//! A partner or a data category as the catalog lists it. A module of its own so that the key
//! cache can hold partners without importing the catalog, which reads keys through that cache.

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogEntry {
    pub id: i64,
    pub slug: String,
    pub name: String,
}
