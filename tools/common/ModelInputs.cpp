//===- ModelInputs.cpp - Tensor files bound to a model's inputs -----------===//

#include "ModelInputs.h"

#include "RuntimeHandles.h"
#include "TensorFile.h"

namespace kiln::tools {

bool readModelInputs(const kiln_model_t *model,
                     const std::vector<InputFileArg> &args,
                     std::vector<ModelInput> &out, std::string &error) {
  std::vector<ModelInput> inputs(kiln_model_num_inputs(model));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!checkStatus(kiln_model_input_info(model, i, &inputs[i].info), error))
      return false;

  size_t positional = 0;
  for (const InputFileArg &arg : args) {
    size_t index = 0;
    if (arg.name.empty()) {
      index = positional++;
      if (index >= inputs.size()) {
        error = arg.path + ": too many input files: the model has " +
                std::to_string(inputs.size()) + " input" +
                (inputs.size() == 1 ? "" : "s") + " (" +
                describeSignature(inputs) + ")";
        return false;
      }
    } else {
      kiln_status_t *status =
          kiln_model_find_input(model, arg.name.c_str(), &index);
      if (status) {
        kiln_status_free(status);
        error = "the model has no input '" + arg.name +
                "' (its inputs: " + describeSignature(inputs) + ")";
        return false;
      }
    }
    ModelInput &input = inputs[index];
    if (!input.source.empty()) {
      error = "input '" + std::string(input.info.name) +
              "' is given twice: " + input.source + " and " + arg.path;
      return false;
    }
    input.source = arg.path;
  }
  // Read only once the command line is known to make sense.
  for (ModelInput &input : inputs) {
    if (input.source.empty())
      continue;
    HostTensor tensor;
    if (!readTensorFile(input.source, tensor, error))
      return false;
    input.tensor = std::move(tensor);
  }
  out = std::move(inputs);
  return true;
}

bool bindModelInputs(kiln_session_t *session,
                     const std::vector<ModelInput> &inputs,
                     std::string &error) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ModelInput &input = inputs[i];
    if (!input.tensor)
      continue;
    const HostTensor &t = *input.tensor;
    if (!checkStatus(kiln_session_set_input_by_index(
                         session, i, t.dtype, t.dims.data(), t.dims.size(),
                         t.data.data(), t.data.size()),
                     error)) {
      error = input.source + ": " + error;
      return false;
    }
  }
  return true;
}

std::string describeSignature(const std::vector<ModelInput> &inputs) {
  std::string text;
  for (const ModelInput &input : inputs)
    text += (text.empty() ? "" : ", ") + std::string(input.info.name) + " " +
            kiln_dtype_name(input.info.dtype) + " " +
            formatSignatureShape(input.info);
  return text.empty() ? "none" : text;
}

} // namespace kiln::tools
