"""Checkpoint fixtures for the Java loaders (entry point: ../generate_checkpoints.py).

Modules, bottom to top:

  dtypes          dtype names (torch / numpy -> "F32", ...), safetensors dtype order
  writers         safetensors writer + reader, deterministic legacy torch save,
                  torch zip save, zip rewriting, plain-text writer
  expected        expected-JSON documents (tensor_expected, to_plain, torch_expected, ...)
  pickle_inspect  pickle GLOBAL scan and a payload-free unpickler
  weights         seeded, quantised random values (fill_module, rs_f32)
  shapes          key/shape table helpers (numel, assert_layout)
  output          OUT directory, GOOD registry of loadable fixtures
  dino            tiny DINO ViT torch modules (DinoViT, LoraLinear, ...) + shape tables
  hubert          HF HubertModel torch modules (HFHubertModel, HFHubertForCTC),
                  config.json builder, shape tables, torchaudio cross-check
  denseav         DenseAV LitAVAligner layout modules (DenseAVModel), hparams, shape tables
  tiny            tiny sizes and seeded factories of the tiny models (for goldens)
  lightning       fake pytorch_lightning AttributeDict, Lightning checkpoint dict,
                  lightning*.ckpt fixtures
  basic           dtypes/views/legacy/nested/protocol4/safetensors/npy/npz fixtures
  tiny_fixtures   tiny_* fixtures (official layouts)
  families        families/*.shapes.json
  adversarial     bad/ fixtures (malicious pickles, broken files)
  verify          load-back and payload-free checks
  generate        main()

The model modules (dino, hubert, denseav, tiny) have no side effects on import; the
lightning module (and so every fixture builder) installs a fake pytorch_lightning
into sys.modules.
"""
