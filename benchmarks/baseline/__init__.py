"""The "usual way" to serve this product, as public implementations do: a pickled
scikit-learn LightGBM model behind Flask and gunicorn, for the benchmarks to compare with."""
