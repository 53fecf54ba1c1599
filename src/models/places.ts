import mongoose, { Schema } from 'mongoose';

/** Posts (驻点) and dorms (宿舍): reference data every workflow may read, so they live with the core. */
const placeFields = {
  name: { type: String, required: true, unique: true, trim: true },
  address: { type: String, default: '' },
};
export const Post = mongoose.model(
  'Post',
  new Schema({ ...placeFields, client: { type: String, default: '' } }, { timestamps: true }),
);
export const Dorm = mongoose.model(
  'Dorm',
  new Schema({ ...placeFields, post: { type: String, default: '' } }, { timestamps: true }),
);
