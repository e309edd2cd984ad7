//! The sections of the ledger: the five seed threads (`shared/seeds/` of the project), as the
//! seeds give them, the studies and the FAQ.

use serde::Serialize;

/// What a section of the ledger is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// A Q&A thread of `shared/seeds/`.
    Thread,
    /// A study that tests published claims on data the project ships.
    Study,
    /// The FAQ: the class-weighting questions users ask most in the frameworks' issue trackers
    /// (`shared/faq-digest.md` of the project), each checked against today's frameworks.
    Faq,
}

/// A section of the ledger: a Q&A thread the ledger reproduces, or a study.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Thread {
    /// Thread or study.
    pub kind: SectionKind,
    /// `"000"` … `"004"`, or the study's id (`"lt"`).
    pub id: &'static str,
    /// The English title.
    pub title: &'static str,
    /// The title on the seed page when it is a translation (Spanish, Chinese), else empty.
    pub seed_title: &'static str,
    /// The original's address as the seed gives it, else empty.
    pub link: &'static str,
    /// What the seed is and what it says about its source.
    pub provenance: &'static str,
    /// The seed file (empty for a study).
    pub seed: &'static str,
    /// The notebook that walks through the thread's claims.
    pub notebook: &'static str,
}

/// "Unbalanced data and weighted cross entropy" (Stack Overflow 44560549).
pub static THREAD_000: Thread = Thread {
    kind: SectionKind::Thread,
    id: "000",
    title: "Unbalanced data and weighted cross entropy",
    seed_title: "Python 不平衡数据和加权交叉熵",
    link: "http://stackoverflow.com/questions/44560549/",
    provenance: "Chinese/English page of the Stack Overflow question (CC BY-SA 4.0) by \
                 Sergiodiaz53, answers by P-Gn, DankMasterDan and Tensorflow Support; English \
                 originals quoted.",
    seed: "000_5d9412ed5d878478.txt",
    notebook: "notebooks/01-thread-000-weighted-cross-entropy.ipynb",
};

/// "How to set class weights for imbalanced classes in Keras?".
pub static THREAD_001: Thread = Thread {
    kind: SectionKind::Thread,
    id: "001",
    title: "How to set class weights for imbalanced classes in Keras?",
    seed_title: "¿Cómo establecer pesos de clase para clases desequilibradas en Keras?",
    link: "",
    provenance: "Spanish translation of the Stack Overflow question (CC BY-SA 3.0); the seed \
                 gives no address. Quotes are translated back to English.",
    seed: "001_33789a984d4951d8.txt",
    notebook: "notebooks/02-thread-001-keras-class-weights.ipynb",
};

/// "Multi label classification with unbalanced labels".
pub static THREAD_002: Thread = Thread {
    kind: SectionKind::Thread,
    id: "002",
    title: "Multi label classification with unbalanced labels",
    seed_title: "标签不平衡的多标签分类",
    link: "",
    provenance: "Chinese translation of a Q&A thread (code in English); the seed gives no \
                 address. Quotes are translated back to English.",
    seed: "002_19e3bcc7684e2ba6.txt",
    notebook: "notebooks/03-thread-002-multilabel-imbalance.ipynb",
};

/// "When is it appropriate to use sample_weights in keras?".
pub static THREAD_003: Thread = Thread {
    kind: SectionKind::Thread,
    id: "003",
    title: "When is it appropriate to use sample_weights in keras?",
    seed_title: "什么时候在keras中使用sample_weights是合适的?",
    link: "",
    provenance: "Chinese/English page of a Stack Overflow question; the seed gives no address. \
                 English originals quoted.",
    seed: "003_4921de9b3fc83bb5.txt",
    notebook: "notebooks/04-thread-003-sample-weights.ipynb",
};

/// A Steemit post on choosing among TensorFlow's cross-entropy losses.
pub static THREAD_004: Thread = Thread {
    kind: SectionKind::Thread,
    id: "004",
    title: "Getting started with TensorFlow: choosing a cross_entropy for classification",
    seed_title: "Tensorflow入门——分类问题cross_entropy的选择",
    link: "",
    provenance: "Chinese Steemit post (#cn-stem); the seed gives no address of its own and cites \
                 https://stackoverflow.com/questions/47034888/how-to-choose-cross-entropy-loss-in-tensorflow. \
                 Quotes are translated to English.",
    seed: "004_bded5b5501df2af0.txt",
    notebook: "notebooks/05-thread-004-choosing-cross-entropy.ipynb",
};

/// The long-tailed study: the long-tail papers' claims on long-tailed digits.
pub static STUDY_LONGTAIL: Thread = Thread {
    kind: SectionKind::Study,
    id: "lt",
    title: "Do the long-tail papers' claims hold on long-tailed digits?",
    seed_title: "",
    link: "",
    provenance: "The headline orderings of Cui et al. (CVPR 2019), Cao et al. (NeurIPS 2019), Menon \
                 et al. (ICLR 2021) and Ren et al. (NeurIPS 2020) on CIFAR-10-LT, their table rows \
                 quoted from the papers (data/longtail/paper_tables.json), set against the same \
                 methods trained by reweigh on long-tailed versions of scikit-learn's digits \
                 (data/digits/). The papers used ResNet-32 on CIFAR-10 for 200 epochs; the study \
                 uses small models on 8×8 digits, so a verdict says whether an ordering carries \
                 over to this data, not whether the paper's numbers are right.",
    seed: "",
    notebook: "notebooks/06-long-tailed-digits.ipynb",
};

/// The FAQ chapter: the ten class-weighting confusions of `shared/faq-digest.md`.
pub static FAQ: Thread = Thread {
    kind: SectionKind::Faq,
    id: "faq",
    title: "FAQ: the class-weighting questions users ask most",
    seed_title: "",
    link: "",
    provenance: "The ten confusions that recur in the issue trackers of PyTorch, Keras, \
                 TensorFlow and scikit-learn, as shared/faq-digest.md states them (with the issue \
                 numbers), each run in today's frameworks by scripts/ledger/gen_faq.py \
                 (data/ledger/faq.json) and recomputed by reweigh.",
    seed: "faq-digest.md",
    notebook: "notebooks/08-faq.ipynb",
};

/// The notebook that tours the whole ledger.
pub const TOUR_NOTEBOOK: &str = "notebooks/00-tour.ipynb";

/// Every thread, in order.
pub fn threads() -> [&'static Thread; 5] {
    [
        &THREAD_000,
        &THREAD_001,
        &THREAD_002,
        &THREAD_003,
        &THREAD_004,
    ]
}

/// Every section of the ledger, in order: the threads, then the study, then the FAQ.
pub fn sections() -> [&'static Thread; 7] {
    [
        &THREAD_000,
        &THREAD_001,
        &THREAD_002,
        &THREAD_003,
        &THREAD_004,
        &STUDY_LONGTAIL,
        &FAQ,
    ]
}
