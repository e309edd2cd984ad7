//! Between candle's CPU storage and ndarray: zero-copy strided views of the inputs, owned arrays
//! back into tensors.

use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, DType, Device, Error, Layout, Result, Shape, Tensor, WithDType};
use ndarray::{ArrayD, ArrayViewD, CowArray, IxDyn, ShapeBuilder};

/// A view of `storage` as `layout` says (shape, strides, start offset), without copying: strided,
/// transposed, narrowed and broadcast (stride 0) tensors are read where they lie.
pub(crate) fn view<'a, T: WithDType>(
    storage: &'a CpuStorage,
    layout: &Layout,
) -> Result<ArrayViewD<'a, T>> {
    let data = storage.as_slice::<T>()?;
    let start = layout.start_offset();
    let rest = data.get(start..).ok_or_else(|| {
        Error::msg(format!(
            "reweigh: layout starts at {start}, past the storage's {} elements",
            data.len()
        ))
    })?;
    let shape = IxDyn(layout.dims()).strides(IxDyn(layout.stride()));
    ArrayViewD::from_shape(shape, rest).map_err(Error::wrap)
}

/// The element type of a loss's target: integer class labels (`i64`, read from any of candle's
/// integer dtypes) or floats of the input's dtype (one-hot or soft labels, probabilities).
pub trait TargetElement: WithDType {
    /// The target as a view where its dtype is this type, else converted.
    fn target<'a>(storage: &'a CpuStorage, layout: &Layout) -> Result<CowArray<'a, Self, IxDyn>>;
}

impl TargetElement for i64 {
    fn target<'a>(storage: &'a CpuStorage, layout: &Layout) -> Result<CowArray<'a, i64, IxDyn>> {
        Ok(match storage {
            CpuStorage::I64(_) => view::<i64>(storage, layout)?.into(),
            CpuStorage::U8(_) => view::<u8>(storage, layout)?.mapv(i64::from).into(),
            CpuStorage::U32(_) => view::<u32>(storage, layout)?.mapv(i64::from).into(),
            CpuStorage::I16(_) => view::<i16>(storage, layout)?.mapv(i64::from).into(),
            CpuStorage::I32(_) => view::<i32>(storage, layout)?.mapv(i64::from).into(),
            other => {
                return Err(Error::msg(format!(
                    "reweigh: integer class labels must be a u8, u32, i16, i32 or i64 tensor, got {:?}",
                    other.dtype()
                )));
            }
        })
    }
}

macro_rules! float_target {
    ($($t:ty),*) => {$(
        impl TargetElement for $t {
            fn target<'a>(storage: &'a CpuStorage, layout: &Layout) -> Result<CowArray<'a, $t, IxDyn>> {
                check_dtype("target", storage.dtype(), <$t as WithDType>::DTYPE)?;
                Ok(view::<$t>(storage, layout)?.into())
            }
        }
    )*};
}
float_target!(f32, f64);

/// An error naming the argument when its dtype is not the loss's.
pub(crate) fn check_dtype(what: &str, got: DType, want: DType) -> Result<()> {
    if got == want {
        Ok(())
    } else {
        Err(Error::msg(format!(
            "reweigh: the {what} is a {got:?} tensor, the loss was built for {want:?}"
        )))
    }
}

/// An owned array as CPU storage in row-major order, with its shape.
pub(crate) fn storage<T: WithDType>(a: ArrayD<T>) -> (CpuStorage, Shape) {
    let shape = Shape::from(a.shape().to_vec());
    let data = if a.is_standard_layout() {
        let (v, offset) = a.into_raw_vec_and_offset();
        debug_assert!(offset.unwrap_or(0) == 0);
        v
    } else {
        a.iter().copied().collect()
    };
    (T::to_cpu_storage_owned(data), shape)
}

/// An owned array as a CPU tensor.
pub(crate) fn tensor<T: WithDType>(a: ArrayD<T>) -> Result<Tensor> {
    let shape = a.shape().to_vec();
    let data = if a.is_standard_layout() {
        a.into_raw_vec_and_offset().0
    } else {
        a.iter().copied().collect()
    };
    Tensor::from_vec(data, shape, &Device::Cpu)
}

/// A tensor's values as an owned array of `T` (copied, in logical order).
pub(crate) fn array<T: WithDType>(t: &Tensor) -> Result<ArrayD<T>> {
    let dims = t.dims().to_vec();
    let data = t.flatten_all()?.to_vec1::<T>()?;
    ArrayD::from_shape_vec(IxDyn(&dims), data).map_err(Error::wrap)
}
