//! Properties of the core's losses (see main.rs for the harness and strategies.rs for the inputs).

use crate::Property;

pub fn properties() -> Vec<Property> {
    vec![]
}
