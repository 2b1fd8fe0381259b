# The HTTP API service's image (infra/api-service.tf), built from the prepared source in dist/
# (`npm run build` copies this file to dist/Dockerfile): the same code and locked dependencies as
# the functions, started as a plain Node server instead of under functions-framework.
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY . .
ENV NODE_ENV=production
CMD ["node", "functions/api-service.js"]
